import { relative } from "node:path";
import type { ComprehensiveRelease, NewChangeset } from "@changesets/types";
import { getPackages } from "@manypkg/get-packages";
import { isImageInput } from "@image-tooling/image-metadata";
import { affectedImages } from "@image-tooling/pipeline/affected";
import { changesetProblems } from "./changeset-problems.ts";
import type { AffectedImage } from "./coverage.ts";
import { changedFiles, fileAt, mergeBase } from "./git.ts";
import { newChangesets } from "./pending-changesets.ts";
import { releasesFor } from "./release-plan.ts";

export interface ChangeSummary {
  base: string;
  mergeBase: string;
  images: AffectedImage[];
  changesets: NewChangeset[];
  releases: ComprehensiveRelease[];
  /** Changesets this change adds that name something other than an image. */
  problems: string[];
}

/** Everything the check needs to know about this change, read from git, nx and .changeset/; nx runs in `env` (the CLI's). */
export async function collect(cwd: string, base: string, head: string | undefined, env: Record<string, string | undefined>): Promise<ChangeSummary> {
  const forkPoint = mergeBase(cwd, base, head);
  const names = affectedImages(cwd, { base, head }, env);
  const packages = await getPackages(cwd);
  const byName = new Map(packages.packages.map((p) => [p.packageJson.name, p]));
  const files = names.length ? changedFiles(cwd, forkPoint, head) : [];

  const images = names.map((name): AffectedImage => {
    const pkg = byName.get(name);
    if (!pkg) throw new Error(`nx reports an image project "${name}" but no workspace package has that name`);
    const dir = relative(cwd, pkg.dir).split("\\").join("/");
    const before = fileAt(cwd, forkPoint, `${dir}/package.json`);
    return {
      image: name,
      // Only its inputs: a README edit beside a Dockerfile change is not what needs describing.
      ownChanges: files.filter((f) => f.startsWith(`${dir}/`) && isImageInput(pkg.dir, f.slice(dir.length + 1))),
      baseVersion: before === undefined ? undefined : (JSON.parse(before) as { version: string }).version,
      version: pkg.packageJson.version,
      parents: Object.keys(pkg.packageJson.dependencies ?? {}).filter((d) => isImage(byName.get(d)?.dir, cwd)),
    };
  });
  const changesets = await newChangesets(cwd, forkPoint, head);
  const imageNames = new Set(packages.packages.filter((p) => isImage(p.dir, cwd)).map((p) => p.packageJson.name));
  const problems = changesetProblems(changesets, imageNames);
  // A plan from a changeset naming an unknown package would throw; the problems say it better.
  const releases = images.length && problems.length === 0 ? await releasesFor(cwd, changesets, packages) : [];
  return { base, mergeBase: forkPoint, images, changesets, releases, problems };
}

// Images live under packages/; libs and tools are workspace packages too but never parents.
const isImage = (dir: string | undefined, cwd: string): boolean => dir !== undefined && relative(cwd, dir).startsWith("packages/");
