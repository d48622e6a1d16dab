/** What one run changes in one image, for its changeset and the pull request. */
export interface ToolChange {
  tool: string;
  from: string;
  to: string;
  bump: "patch" | "minor";
  notes: string | null;
}

export interface BaseChange {
  image: string;
  from: string;
  to: string;
}

export interface ImageChanges {
  image: string;
  tools: ToolChange[];
  base?: BaseChange;
}

/** One changeset file per image, so a re-run on the same branch replaces it instead of adding another. */
export const changesetPath = (image: string): string => `.changeset/tools-update-${image}.md`;

export function bumpOf(c: ImageChanges): "patch" | "minor" {
  return c.tools.some((t) => t.bump === "minor") ? "minor" : "patch";
}

export function renderChangeset(c: ImageChanges): string {
  const lines = c.tools.map((t) => `- ${t.tool} ${t.from} → ${t.to}${t.notes ? ` ([release notes](${t.notes}))` : ""}`);
  if (c.base) lines.push(`- base \`${c.base.image}\` → \`${c.base.to}\` (the tag's newest multi-platform digest; was \`${c.base.from}\`)`);
  const what = [c.tools.length ? "tools" : "", c.base ? "base image" : ""].filter(Boolean).join(" and ");
  return `---\n${JSON.stringify(c.image)}: ${bumpOf(c)}\n---\n\nUpdate ${what} (npm run tools:update):\n\n${lines.join("\n")}\n`;
}
