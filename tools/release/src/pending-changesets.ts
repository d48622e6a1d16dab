import parseChangeset from "@changesets/parse";
import readChangesets from "@changesets/read";
import type { NewChangeset } from "@changesets/types";
import { fileAt, filesAt } from "./git.ts";

const isChangeset = (f: string): boolean => f.endsWith(".md") && f !== "README.md";

/**
 * The changesets this change adds: those in .changeset/ at `head` (without
 * `head`: in the working tree, committed or not) that were not there at the
 * merge base. Changesets already pending on the base branch describe earlier
 * changes, so they cover nothing here.
 */
export async function newChangesets(cwd: string, mergeBaseCommit: string, head?: string): Promise<NewChangeset[]> {
  const before = new Set(filesAt(cwd, mergeBaseCommit, ".changeset"));
  if (!head) return (await readChangesets(cwd)).filter((c) => !before.has(`${c.id}.md`));
  return filesAt(cwd, head, ".changeset")
    .filter((f) => isChangeset(f) && !before.has(f))
    .map((f) => {
      const text = fileAt(cwd, head, `.changeset/${f}`) ?? "";
      try {
        return { id: f.slice(0, -3), ...parseChangeset(text) };
      } catch (e) {
        throw new Error(`.changeset/${f} at ${head}: ${(e as Error).message}`);
      }
    });
}
