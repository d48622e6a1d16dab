/** The arithmetic and wording of `npm run bench -- platforms` (platforms.ts), apart from the engine work so it is unit-tested. */
import { median } from "./stats.ts";
import { formatDuration } from "@image-tooling/cli-support";

/** One two-engine measurement: each platform staged on its own engine, in parallel, then the merge (ms). */
export interface StagedRun {
  amd64: number;
  arm64: number;
  merge: number;
}

/** The wall time of one two-engine measurement: the stages run side by side, the merge waits for both. */
export const stagedWall = (r: StagedRun): number => Math.max(r.amd64, r.arm64) + r.merge;

/** median(a) ÷ median(b). */
export function medianRatio(a: number[], b: number[]): number {
  if (a.length === 0 || b.length === 0) throw new Error("a ratio needs samples on both sides");
  return median(a) / median(b);
}

/** "median 12.3 s  [12.3 s, 14.0 s]": every sample, so the spread is visible. */
export const summary = (ms: number[]): string => `median ${formatDuration(median(ms))}  [${ms.map(formatDuration).join(", ")}]`;

/** The lines comparing one engine (both platforms) with two engines (one platform each) plus the merge. */
export function engineLines(oneEngine: number[], twoEngines: StagedRun[]): string[] {
  const walls = twoEngines.map(stagedWall);
  const col = (label: string) => `  ${label.padEnd(58)}`;
  return [
    `${col("one engine, both platforms (publish)")}${summary(oneEngine)}`,
    `${col("two engines: stage linux/amd64 (harness engine)")}${summary(twoEngines.map((r) => r.amd64))}`,
    `${col("             stage linux/arm64 (second engine), parallel")}${summary(twoEngines.map((r) => r.arm64))}`,
    `${col("             merge (harness engine)")}${summary(twoEngines.map((r) => r.merge))}`,
    `${col("             total wall = max(stages) + merge")}${summary(walls)}`,
    `${col("two engines ÷ one engine (total wall)")}${medianRatio(walls, oneEngine).toFixed(2)}×`,
  ];
}

/** One image's build times per platform, or why it has none. */
export type Built = { image: string; amd64: number[]; arm64: number[] };
export type EmulationResult = Built | { image: string; notBuilt: string };

/** One line per image: amd64 (native) and arm64 (qemu) build times and arm64 ÷ amd64, or why it was not built. */
export function emulationLines(results: EmulationResult[]): string[] {
  const built = results.filter((r): r is Built => !("notBuilt" in r));
  const cells = (p: "amd64" | "arm64") => built.map((r) => summary(r[p]));
  const name = Math.max(...results.map((r) => r.image.length), "image".length) + 2;
  const amd = Math.max(...cells("amd64").map((c) => c.length), "linux/amd64 (native)".length) + 2;
  const arm = Math.max(...cells("arm64").map((c) => c.length), "linux/arm64 (qemu)".length) + 2;
  return [
    `  ${"image".padEnd(name)}${"linux/amd64 (native)".padEnd(amd)}${"linux/arm64 (qemu)".padEnd(arm)}arm64 ÷ amd64`,
    ...results.map((r) =>
      "notBuilt" in r
        ? `  ${r.image.padEnd(name)}not built: ${r.notBuilt}`
        : `  ${r.image.padEnd(name)}${summary(r.amd64).padEnd(amd)}${summary(r.arm64).padEnd(arm)}${medianRatio(r.arm64, r.amd64).toFixed(2)}×`,
    ),
  ];
}
