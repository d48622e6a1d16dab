import { describe, expect, it } from "vitest";
import { overBudget } from "../src/smoke/size-budget.ts";

describe("compressed-size budget", () => {
  it("names image, platform, size, budget and where the budget is set, for each platform over it", () => {
    expect(overBudget("demo", "packages/demo/image.yaml", { "linux/arm64": 312_400_000, "linux/amd64": 290_000_000 }, 300_000_000)).toEqual([
      "demo linux/arm64 is 312.4 MB compressed (312400000 bytes), over its budget of 300.0 MB (300000000 bytes) set in packages/demo/image.yaml budget.compressedSize: make the image smaller or raise the budget",
    ]);
  });

  it("passes at or under the budget, and without one", () => {
    expect(overBudget("demo", "packages/demo/image.yaml", { "linux/amd64": 300_000_000 }, 300_000_000)).toEqual([]);
    expect(overBudget("demo", "packages/demo/image.yaml", { "linux/amd64": 9e9 }, undefined)).toEqual([]);
  });
});
