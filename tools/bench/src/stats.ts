/** The middle sample (the upper middle for an even count), as every figure the bench prints is summarised. */
export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** BENCH_RUNS: 3 by default, else a whole number ≥ 1. */
export function benchRuns(value: string | undefined): number {
  if (value === undefined || value === "") return 3;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`BENCH_RUNS must be a whole number ≥ 1, not ${JSON.stringify(value)}`);
  return n;
}
