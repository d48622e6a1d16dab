import readChangesets from "@changesets/read";
import type { NewChangeset } from "@changesets/types";
import { filesAt } from "./git.ts";

/**
 * The changesets this change adds: those in .changeset/ now (committed or
 * not) that were not there at the merge base. Changesets already pending on
 * the base branch describe earlier changes, so they cover nothing here.
 */
export async function newChangesets(cwd: string, mergeBaseCommit: string): Promise<NewChangeset[]> {
  const before = new Set(filesAt(cwd, mergeBaseCommit, ".changeset"));
  const all = await readChangesets(cwd);
  return all.filter((c) => !before.has(`${c.id}.md`));
}
