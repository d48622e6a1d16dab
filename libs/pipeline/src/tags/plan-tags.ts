import { compare, parse, prerelease, valid } from "semver";

export type TagAction = "create" | "move" | "skip";

export interface TagStep {
  tag: string;
  action: TagAction;
  /** Why: shown in the plan and the summary. */
  reason: string;
}

export interface TagPlan {
  /** The immutable tag for this build: X.Y.Z, or the branch tag. */
  immutable: TagStep;
  /** Floating tags (X.Y, X, latest); empty for prereleases and branch builds. */
  floating: TagStep[];
}

/** A branch name made safe for a semver prerelease identifier. */
export function branchSlug(branch: string): string {
  const slug = branch
    .toLowerCase()
    .replace(/^refs\/heads\//, "")
    .replace(/[^0-9a-z-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/, "");
  return slug || "branch";
}

/** `<version>-<branch>.<sha7>`: a semver prerelease, so it can never outrank a release. */
export function branchTag(version: string, branch: string, sha: string): string {
  const base = parse(version);
  if (!base) throw new Error(`version "${version}" is not semver`);
  return `${base.major}.${base.minor}.${base.patch}-${branchSlug(branch)}.${sha.slice(0, 7)}`;
}

export interface PlanTagsInput {
  version: string;
  /** Every tag the repository holds now. */
  existingTags: readonly string[];
  /** Digests of the floating tags that exist now (tag → digest), to skip no-op moves. */
  floatingDigests?: Readonly<Record<string, string | null>>;
  /** Digest this run's X.Y.Z has or will have; unknown (undefined) in a dry run before build. */
  digest?: string;
  channel: "release" | "branch";
  branch?: string;
  sha?: string;
}

/**
 * Which tags a publish creates, moves or skips. Pure, so every tag rule of
 * README.md ("How it works", the pipeline) is unit-tested without a registry:
 * - X.Y.Z is immutable: when it exists the image is skipped.
 * - X.Y, X and latest move only forward: each points at the highest stable
 *   version of its line, so a 1.4.1 after 2.0.0 moves 1.4 and 1, never latest.
 * - A prerelease gets only its own tag; a branch build only its branch tag.
 */
export function planTags(input: PlanTagsInput): TagPlan {
  const { version, existingTags, channel } = input;
  const v = valid(version);
  if (!v) throw new Error(`version "${version}" is not semver`);
  const existing = new Set(existingTags);

  if (channel === "branch") {
    if (!input.branch || !input.sha) throw new Error("the branch channel needs a branch name and a commit sha");
    const tag = branchTag(v, input.branch, input.sha);
    return {
      immutable: existing.has(tag) ? { tag, action: "skip", reason: "already published" } : { tag, action: "create", reason: "branch build" },
      floating: [],
    };
  }

  const immutable: TagStep = existing.has(v) ? { tag: v, action: "skip", reason: "already published (immutable)" } : { tag: v, action: "create", reason: "new version" };
  if (prerelease(v)) return { immutable, floating: [] };

  // Stable versions already published, plus this one: floating tags follow the highest of their line.
  const stable = [...existingTags, v].filter((t) => valid(t) === t && !prerelease(t));
  const parsed = parse(v)!;
  const lines: Array<[tag: string, member: (t: string) => boolean]> = [
    [`${parsed.major}.${parsed.minor}`, (t) => parse(t)!.major === parsed.major && parse(t)!.minor === parsed.minor],
    [`${parsed.major}`, (t) => parse(t)!.major === parsed.major],
    ["latest", () => true],
  ];
  const floating = lines.map(([tag, member]): TagStep => {
    const highest = stable.filter(member).sort(compare).at(-1)!;
    if (highest !== v) return { tag, action: "skip", reason: `${highest} is newer` };
    const current = input.floatingDigests?.[tag];
    if (input.digest && current === input.digest) return { tag, action: "skip", reason: "already points here" };
    return { tag, action: existing.has(tag) ? "move" : "create", reason: existing.has(tag) ? "forward" : "new line" };
  });
  return { immutable, floating };
}
