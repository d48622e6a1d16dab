/** Pure formatting of the end-of-provision timing table. */
import { formatDuration } from "@image-tooling/cli-support";

export type StepOutcome = "done" | "cached" | "failed";

export interface StepTiming {
  step: string;
  outcome: StepOutcome;
  ms: number;
  detail?: string;
}

export function renderTimingTable(rows: readonly StepTiming[], wallMs: number): string {
  const header = ["step", "result", "time", "detail"];
  const body = rows.map((r) => [r.step, r.outcome, formatDuration(r.ms), r.detail ?? ""]);
  body.push(["total (wall clock)", rows.some((r) => r.outcome === "failed") ? "failed" : "ok", formatDuration(wallMs), ""]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const fmt = (row: readonly string[]) =>
    row
      .map((cell, i) => (i === 2 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  const rule = widths.map((w) => "-".repeat(w)).join("  ");
  return [fmt(header), rule, ...body.slice(0, -1).map(fmt), rule, fmt(body[body.length - 1]!)].join("\n");
}
