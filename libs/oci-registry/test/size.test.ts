import { describe, expect, it } from "vitest";
import { compressedSize } from "../src/size.ts";

describe("compressed sizes", () => {
  it("a platform's compressed size is the sum of its manifest's layer sizes (config left out)", () => {
    expect(compressedSize({ layers: [{ size: 1000 }, { size: 234 }] })).toBe(1234);
    expect(compressedSize({})).toBe(0);
  });
});
