import type { Verdict } from "./coverage.ts";

type Missing = Extract<Verdict, { status: "missing" }>;

/** The check's report: one line per affected image, then how to fix what is missing. */
export function renderCheck(verdicts: Verdict[], base: string): string {
  if (verdicts.length === 0) return `No image inputs changed since ${base}: no changeset needed.\n`;
  const mark = { covered: "✓", waived: "–", missing: "✗" } as const;
  const out = [`Images whose inputs changed since ${base}:`];
  for (const v of verdicts) out.push(`  ${mark[v.status]} ${v.image}: ${v.status === "missing" ? `no changeset; ${v.reason}` : v.reason}`);
  const missing = verdicts.filter((v): v is Missing => v.status === "missing");
  if (missing.length === 0) return `${out.join("\n")}\nEvery changed image has a changeset.\n`;

  out.push(
    "",
    `Missing changeset for ${list(missing.map((m) => m.image))}.`,
    "Add one: run `npx changeset`, select the image(s), choose patch/minor/major, describe the change,",
    "and commit the new .changeset/*.md file with your change.",
  );
  const byParent = new Map<string, string[]>();
  for (const m of missing) if (m.via.kind === "parent") for (const p of m.via.parents) byParent.set(p, [...(byParent.get(p) ?? []), m.image]);
  for (const [parent, children] of byParent) {
    out.push(
      `  - ${list(children)}: a changeset for ${parent} covers ${children.length > 1 ? "them" : "it"} (changesets patch-bumps an image when its parent's version changes).`,
    );
  }
  const shared = missing.filter((m) => m.via.kind === "shared").map((m) => m.image);
  if (shared.length) {
    out.push(`  - ${list(shared)}: only a shared input changed; if no new image version is needed, \`npx changeset --empty\` records that instead.`);
  }
  return `${out.join("\n")}\n`;
}

const list = (names: string[]): string => names.join(", ");
