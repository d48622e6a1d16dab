import { describe, expect, it } from "vitest";
import { emulationLines, engineLines, medianRatio, stagedWall, summary } from "../src/platforms-figures.ts";
import { benchRuns } from "../src/stats.ts";

describe("BENCH_RUNS", () => {
  it("defaults to 3 and takes fewer", () => {
    expect(benchRuns(undefined)).toBe(3);
    expect(benchRuns("")).toBe(3);
    expect(benchRuns("1")).toBe(1);
  });

  it.each(["0", "-1", "1.5", "two"])("refuses %s", (v) => {
    expect(() => benchRuns(v)).toThrow(/BENCH_RUNS must be a whole number/);
  });
});

describe("two engines against one", () => {
  it("a measurement's wall is the slower stage plus the merge", () => {
    expect(stagedWall({ amd64: 40_000, arm64: 90_000, merge: 5_000 })).toBe(95_000);
    expect(stagedWall({ amd64: 70_000, arm64: 60_000, merge: 1_000 })).toBe(71_000);
  });

  it("ratios are of medians", () => {
    expect(medianRatio([30, 10, 20], [5, 100, 10])).toBe(2);
    expect(() => medianRatio([], [1])).toThrow(/samples on both sides/);
  });

  it("prints each stage, the merge, the total wall and two ÷ one from the walls of the same runs", () => {
    const lines = engineLines(
      [100_000, 120_000, 110_000],
      [
        { amd64: 30_000, arm64: 80_000, merge: 4_000 },
        { amd64: 35_000, arm64: 70_000, merge: 6_000 },
        { amd64: 32_000, arm64: 90_000, merge: 5_000 },
      ],
    );
    expect(lines[0]).toMatch(/one engine, both platforms \(publish\) +median 1m50s {2}\[1m40s, 2m00s, 1m50s\]$/);
    expect(lines[1]).toMatch(/stage linux\/amd64 .* median 32\.0 s /);
    expect(lines[2]).toMatch(/stage linux\/arm64 .* median 1m20s /);
    expect(lines[3]).toMatch(/merge .* median 5\.0 s /);
    // Walls 84, 76, 95: median 84 (not max of the stage medians + merge median, 85).
    expect(lines[4]).toMatch(/total wall = max\(stages\) \+ merge +median 1m24s {2}\[1m24s, 1m16s, 1m35s\]$/);
    expect(lines[5]).toMatch(/two engines ÷ one engine \(total wall\) +0\.76×$/);
  });
});

describe("emulation penalty", () => {
  it("one line per image, arm64 ÷ amd64, and the reason where an image has no figure", () => {
    const lines = emulationLines([
      { image: "toolbox-base", amd64: [10_000, 12_000], arm64: [50_000, 40_000] },
      { image: "pandoc", notBuilt: "its Debian packages (TeX Live) are not in the offline repository" },
    ]);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^ {2}image +linux\/amd64 \(native\) +linux\/arm64 \(qemu\) +arm64 ÷ amd64$/);
    expect(lines[1]).toMatch(/^ {2}toolbox-base +median 12\.0 s {2}\[10\.0 s, 12\.0 s\] +median 50\.0 s {2}\[50\.0 s, 40\.0 s\] +4\.17×$/);
    expect(lines[2]).toBe("  pandoc        not built: its Debian packages (TeX Live) are not in the offline repository");
    // The columns line up: the ratio starts where its header does.
    expect(lines[1]!.indexOf("4.17×")).toBe(lines[0]!.indexOf("arm64 ÷ amd64"));
  });

  it("summaries show every sample", () => {
    expect(summary([1_234, 5_678])).toBe("median 5.7 s  [1.2 s, 5.7 s]");
  });
});
