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

/** The immutable tag an image is published under in `channel`: X.Y.Z, or `<version>-<branch>.<sha7>`. */
export function immutableTag(input: Pick<PlanTagsInput, "version" | "channel" | "branch" | "sha">): string {
  const v = valid(input.version);
  if (!v) throw new Error(`version "${input.version}" is not semver`);
  if (input.channel === "release") return v;
  if (!input.branch || !input.sha) throw new Error("the branch channel needs a branch name and a commit sha");
  return branchTag(v, input.branch, input.sha);
}

/** The floating tags a version can move (X.Y, X, latest): none for a prerelease or a branch build. */
export function floatingTagNames(version: string, channel: PlanTagsInput["channel"]): string[] {
  const parsed = parse(version);
  if (!parsed || channel !== "release" || prerelease(version)) return [];
  return [`${parsed.major}.${parsed.minor}`, `${parsed.major}`, "latest"];
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
  const tag = immutableTag(input);
  const existing = new Set(input.existingTags);
  if (input.channel === "branch") {
    return {
      immutable: existing.has(tag) ? { tag, action: "skip", reason: "already published" } : { tag, action: "create", reason: "branch build" },
      floating: [],
    };
  }
  const immutable: TagStep = existing.has(tag)
    ? { tag, action: "skip", reason: "already published (immutable)" }
    : { tag, action: "create", reason: "new version" };
  return { immutable, floating: floatingSteps({ ...input, version: tag }) };
}

/**
 * The floating-tag rule alone, for a release version: what X.Y, X and latest
 * do given the tags the repository holds. Publish applies it again to the
 * registry as it stands after the push, so a newer version published while
 * this one was building is never overtaken.
 */
export function floatingSteps(input: Pick<PlanTagsInput, "version" | "existingTags" | "floatingDigests" | "digest">): TagStep[] {
  const v = input.version;
  const names = floatingTagNames(v, "release");
  if (names.length === 0) return [];
  const existing = new Set(input.existingTags);
  // Stable versions already published, plus this one: floating tags follow the highest of their line.
  const stable = [...input.existingTags, v].filter((t) => valid(t) === t && !prerelease(t));
  const parsed = parse(v)!;
  const members: Array<(t: string) => boolean> = [
    (t) => parse(t)!.major === parsed.major && parse(t)!.minor === parsed.minor,
    (t) => parse(t)!.major === parsed.major,
    () => true,
  ];
  return names.map((tag, i): TagStep => {
    const highest = stable.filter(members[i]!).sort(compare).at(-1)!;
    if (highest !== v) return { tag, action: "skip", reason: `${highest} is newer` };
    const current = input.floatingDigests?.[tag];
    if (input.digest && current === input.digest) return { tag, action: "skip", reason: "already points here" };
    return { tag, action: existing.has(tag) ? "move" : "create", reason: existing.has(tag) ? "forward" : "new line" };
  });
}
