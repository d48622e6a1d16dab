import { formatBytes } from "../log/size.ts";

/** An image over its image.yaml compressed-size budget: one message per platform over it. */
export class SizeBudgetError extends Error {}

/**
 * The platforms whose compressed size is over `budget`, each as one line
 * naming the image, platform, size, budget and where the budget is set.
 * Empty when everything fits (or no budget is set).
 */
export function overBudget(image: string, metadataFile: string, sizes: Record<string, number>, budget: number | undefined): string[] {
  if (budget === undefined) return [];
  return Object.entries(sizes)
    .filter(([, bytes]) => bytes > budget)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([platform, bytes]) =>
        `${image} ${platform} is ${formatBytes(bytes)} compressed (${bytes} bytes), over its budget of ${formatBytes(budget)} (${budget} bytes) set in ${metadataFile} budget.compressedSize: make the image smaller or raise the budget`,
    );
}
