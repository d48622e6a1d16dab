import { allPinnedTools, type ImageContext } from "./context.ts";

/**
 * The OCI label carrying the pinned versions of every tool in the image
 * (parent layers included, so one label answers "what is in here").
 */
export const TOOLS_LABEL = "dev.image-tooling.tools";

export function renderLabelBlock(ctx: ImageContext): string {
  const json = JSON.stringify(Object.fromEntries(allPinnedTools(ctx)));
  // Dockerfile double-quoted word: escape backslashes and quotes.
  return `LABEL ${TOOLS_LABEL}="${json.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"\n`;
}
