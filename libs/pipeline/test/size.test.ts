import { describe, expect, it } from "vitest";
import { formatBytes, formatSizes } from "../src/log/size.ts";

describe("compressed sizes", () => {
  it("prints SI units, one decimal", () => {
    expect(formatBytes(999)).toBe("999 B");
    expect(formatBytes(1000)).toBe("1.0 kB");
    expect(formatBytes(31_234_567)).toBe("31.2 MB");
    expect(formatBytes(1_500_000_000)).toBe("1.5 GB");
  });

  it("lists platforms in name order", () => {
    expect(formatSizes({ "linux/arm64": 2_000_000, "linux/amd64": 1_000_000 })).toBe("linux/amd64 1.0 MB, linux/arm64 2.0 MB");
    expect(formatSizes(undefined)).toBe("");
  });
});
