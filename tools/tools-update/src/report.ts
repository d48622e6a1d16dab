import type { ImageChanges } from "./changeset.ts";

export interface Row {
  image: string;
  /** Tool name, or "base" for the external base image. */
  item: string;
  pinned: string;
  onTrack: string;
  overall: string;
  status: string;
}

/** A plain text table (like npm outdated), columns padded to fit. */
export function renderTable(rows: Row[]): string {
  const head: Row = { image: "IMAGE", item: "TOOL", pinned: "PINNED", onTrack: "NEWEST ON TRACK", overall: "NEWEST OVERALL", status: "STATUS" };
  const cols: (keyof Row)[] = ["image", "item", "pinned", "onTrack", "overall", "status"];
  const all = [head, ...rows];
  const width = (c: keyof Row): number => Math.max(...all.map((r) => r[c].length));
  return all.map((r) => cols.map((c, i) => (i === cols.length - 1 ? r[c] : r[c].padEnd(width(c)))).join("  ")).join("\n") + "\n";
}

export const shortDigest = (d: string): string => d.replace(/^sha256:/, "").slice(0, 12);

/** Markdown for the pull request: per image, what moved and where its release notes are. */
export function renderSummary(changes: ImageChanges[], errors: string[]): string {
  const out: string[] = [];
  for (const c of changes) {
    out.push(`### ${c.image}`, "", "| | from | to | release notes |", "|---|---|---|---|");
    for (const t of c.tools) out.push(`| ${t.tool} | ${t.from} | ${t.to} | ${t.notes ? `[${t.to}](${t.notes})` : "—"} |`);
    if (c.base) out.push(`| base \`${c.base.image}\` | \`${shortDigest(c.base.from)}\` | \`${shortDigest(c.base.to)}\` | — |`);
    out.push("");
  }
  if (errors.length) out.push("### Not updated", "", ...errors.map((e) => `- ${e}`), "");
  return out.join("\n");
}
