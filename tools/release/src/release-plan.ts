import assembleReleasePlan from "@changesets/assemble-release-plan";
import { read as readConfig } from "@changesets/config";
import { readPreState } from "@changesets/pre";
import type { ComprehensiveRelease, NewChangeset } from "@changesets/types";
import { getPackages, type Packages } from "@manypkg/get-packages";

/**
 * What `changeset version` would release from exactly these changesets,
 * computed by changesets itself: dependents bumped through
 * `updateInternalDependencies`, ignored packages left out.
 */
export async function releasesFor(cwd: string, changesets: NewChangeset[], packages?: Packages): Promise<ComprehensiveRelease[]> {
  const pkgs = packages ?? (await getPackages(cwd));
  const config = await readConfig(cwd, pkgs);
  const plan = assembleReleasePlan(changesets, pkgs, config, await readPreState(cwd));
  return plan.releases.filter((r) => r.type !== "none");
}
