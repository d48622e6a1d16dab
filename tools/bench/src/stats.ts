/** The middle sample (the upper middle for an even count), as every figure the bench prints is summarised. */
export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
