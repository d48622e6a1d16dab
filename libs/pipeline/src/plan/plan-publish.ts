import type { ImagePackage } from "@image-tooling/image-metadata";
import { repositoryName } from "@image-tooling/oci-registry";
import { repositoryRef, type Channel } from "../config/config.ts";
import { floatingSteps, floatingTagNames, immutableTag, planTags, type TagStep } from "../tags/plan-tags.ts";

/**
 * Publish as a plan and its application, the split changesets makes between
 * assemble-release-plan and apply-release-plan
 * (https://github.com/changesets/changesets/tree/main/packages/assemble-release-plan).
 * Everything here is pure: read-snapshot.ts reads the registry into a
 * RegistrySnapshot, run/apply-publish.ts carries the plan out. `plan`,
 * `publish --dry-run` and `publish` all plan here, so what they print is
 * what publish does.
 */

/** Where and how an image is published: the parts of the configuration a plan depends on. */
export interface PublishTarget {
  registry: string;
  namespace: string;
  channel: Channel;
  /** The branch-channel name given by flag or CI; git's branch otherwise. */
  branch?: string;
}

export interface GitFacts {
  /** Full sha of the commit being published. */
  commit: string;
  branch?: string;
}

/** An image in the registry: its index digest and its inputs-digest label (undefined when it has none). */
export interface PublishedImage {
  digest: string;
  inputsDigest?: string;
}

/** What to read from the registry for one image (snapshotQuery). */
export interface SnapshotQuery {
  /** `<namespace>/<image>`. */
  repository: string;
  immutable: string;
  floating: string[];
  /** A platform whose config carries the labels (every platform carries the same ones). */
  platform: string;
  /** A child's parent at its immutable tag in this channel. */
  parent?: { repository: string; tag: string; platform: string };
}

/** The registry as the planner needs it, for one image. */
export interface RegistrySnapshot {
  /** Every tag of the image's repository. */
  tags: readonly string[];
  /** The image at its immutable tag, when that exists. */
  immutable?: PublishedImage;
  /** Digest of each of the image's floating tags that exists. */
  floating: Readonly<Record<string, string>>;
  /** A child's parent at its immutable tag (null: absent); read only when the child is to be built. */
  parent?: PublishedImage | null;
}

export interface PlanInput {
  pkg: ImagePackage;
  /** A child's parent package. */
  parent?: ImagePackage;
  /** The image's inputs digest and its parent's, hashed once by the caller. */
  inputs: { digest: string; parent?: string };
  git: GitFacts;
  target: PublishTarget;
  registry: RegistrySnapshot;
  /** Plans made earlier in this run (`plan` over several images, parents first): a parent this run builds is not in the registry yet. */
  earlier?: ReadonlyMap<string, PublishPlan>;
}

/** Where a tag points once the plan is applied: a digest in the registry, the digest this run pushes, or nowhere (left absent). */
export type TagTarget = { digest: string } | "pushed" | null;

export interface PlannedTag extends TagStep {
  target: TagTarget;
}

/**
 * skip: X.Y.Z and every floating tag are in place (the attestations are
 * still checked and completed); complete: X.Y.Z is there, some floating tags
 * are not on it yet; build: build, smoke, push X.Y.Z, attest it, then move
 * the floating tags onto the pushed digest.
 */
export type PlanAction = { kind: "skip"; digest: string } | { kind: "complete"; digest: string } | { kind: "build" };

/** What a build's BASE_IMAGE is, or why there is none yet. `name` is the reference the labels carry. */
export type PlannedBase =
  | { kind: "pinned"; ref: string; name: string; digest: string }
  | { kind: "parent"; ref: string; name: string; digest: string }
  /** Not read (the image is not built) or built earlier in this run: `note` says which. */
  | { kind: "parent-pending"; name: string; note: string }
  /** Absent, or built from other files: publish stops with `error`. */
  | { kind: "parent-blocked"; name: string; note: string; error: string };

export interface PublishPlan {
  image: string;
  version: string;
  /** `<registry>/<namespace>/<image>`. */
  repository: string;
  channel: Channel;
  inputsDigest: string;
  action: PlanAction;
  immutable: PlannedTag;
  floating: PlannedTag[];
  base: PlannedBase;
  /** What a skipped image tells the user: a plain re-run, or files changed without a changeset. */
  notice?: string;
}

const branchOf = (git: GitFacts, target: PublishTarget): string | undefined => target.branch ?? git.branch;

function tagIn(pkg: ImagePackage, git: GitFacts, target: PublishTarget): string {
  return immutableTag({ version: pkg.version, channel: target.channel, branch: branchOf(git, target), sha: git.commit });
}

/** Which tags (and which parent) the planner needs read for `pkg`. */
export function snapshotQuery(pkg: ImagePackage, parent: ImagePackage | undefined, git: GitFacts, target: PublishTarget): SnapshotQuery {
  const immutable = tagIn(pkg, git, target);
  return {
    repository: repositoryName(target.namespace, pkg.name),
    immutable,
    floating: floatingTagNames(immutable, target.channel),
    platform: pkg.metadata.platforms[0]!,
    ...(parent && {
      parent: { repository: repositoryName(target.namespace, parent.name), tag: tagIn(parent, git, target), platform: parent.metadata.platforms[0]! },
    }),
  };
}

const moves = (s: TagStep): boolean => s.action !== "skip";
const at = (digest: string | undefined): TagTarget => (digest ? { digest } : null);

/** The publish plan of one image. Tag rules: tags/plan-tags.ts. */
export function planPublish(input: PlanInput): PublishPlan {
  const { pkg, target, registry, git } = input;
  const repository = repositoryRef(target, pkg.name);
  const existing = registry.immutable;
  const tags = planTags({
    version: pkg.version,
    existingTags: registry.tags,
    channel: target.channel,
    branch: branchOf(git, target),
    sha: git.commit,
    digest: existing?.digest,
    floatingDigests: registry.floating,
  });
  // A floating tag that moves goes where X.Y.Z is: the digest in the registry, or the one this run pushes after its smoke tests.
  const onto: TagTarget = existing ? { digest: existing.digest } : "pushed";
  const immutable: PlannedTag = { ...tags.immutable, target: onto };
  const floating = tags.floating.map((s): PlannedTag => ({ ...s, target: moves(s) ? onto : at(registry.floating[s.tag]) }));
  const action: PlanAction = !existing
    ? { kind: "build" }
    : floating.some(moves)
      ? { kind: "complete", digest: existing.digest }
      : { kind: "skip", digest: existing.digest };
  const plan: PublishPlan = {
    image: pkg.name,
    version: pkg.version,
    repository,
    channel: target.channel,
    inputsDigest: input.inputs.digest,
    action,
    immutable,
    floating,
    base: planBase(input),
  };
  if (existing) plan.notice = skipNotice(plan, existing);
  return plan;
}

/** What a skipped image tells the user: a plain re-run, or changed files without a changeset. */
function skipNotice(plan: PublishPlan, existing: PublishedImage): string {
  const tag = plan.immutable.tag;
  if (existing.inputsDigest && existing.inputsDigest !== plan.inputsDigest) {
    return `${plan.image} ${tag} is already published, but its files changed since: this change has no changeset for ${plan.image} — add one (npx changeset, pick ${plan.image}) so it is released as a new version`;
  }
  return `${plan.image} ${tag} is already published (${existing.digest}); skipped`;
}

/**
 * In publish, a child builds FROM its parent as published at the parent's
 * version for this channel — Nx's `dependsOn: ["^publish"]` publishes the
 * parent first in the same run. The published parent must carry this commit's
 * inputs digest: otherwise it was built from other files, and building on it
 * would test the child against a parent that is not this commit's.
 */
function planBase(input: PlanInput): PlannedBase {
  const { pkg, target } = input;
  const pinned = pkg.metadata.base;
  if (pinned) return { kind: "pinned", ref: `${pinned.image}@${pinned.digest}`, name: pinned.image, digest: pinned.digest };
  const parent = input.parent!;
  const parentRepo = repositoryRef(target, parent.name);
  const name = `${parentRepo}:${tagIn(parent, input.git, target)}`;
  const earlier = input.earlier?.get(parent.name)?.action;
  if (earlier?.kind === "build") return { kind: "parent-pending", name, note: "published earlier in this run" };
  const state = input.registry.parent;
  if (state === undefined) return { kind: "parent-pending", name, note: earlier ? earlier.digest : "as published by its own publish, which nx runs first" };
  if (state === null) {
    return {
      kind: "parent-blocked",
      name,
      note: "not published yet: nx runs its publish first (dependsOn ^publish)",
      error: `parent image ${name} is not published yet: publish it first (\`npx nx run <child>:publish\` does, through dependsOn ^publish)`,
    };
  }
  if (state.inputsDigest !== input.inputs.parent) {
    return {
      kind: "parent-blocked",
      name,
      note: `built from other files than this commit's ${parent.root}: publish would stop`,
      error: `parent image ${name} was built from other files than this commit's ${parent.root} (inputs ${state.inputsDigest ?? "unlabelled"} ≠ ${input.inputs.parent}): add a changeset for ${parent.name} so it is released as a new version, then publish again`,
    };
  }
  return { kind: "parent", ref: `${parentRepo}@${state.digest}`, name, digest: state.digest };
}

/** The plan's base in words, for the printed plan and the result. */
export function describeBase(base: PlannedBase): string {
  switch (base.kind) {
    case "pinned":
      return base.ref;
    case "parent":
      return `${base.name} (${base.digest})`;
    default:
      return `${base.name} (${base.note})`;
  }
}

/** What publish does with X.Y.Z once it is built and smoke-tested, given the registry as it is right before the push. */
export type BeforePush = { kind: "push" } | { kind: "done"; digest: string; notice: string } | { kind: "refuse"; error: string };

/**
 * X.Y.Z may have appeared while this run was building (another publish got
 * there first). Built from the same inputs, it is what this run would have
 * pushed: take it as done and complete its floating tags. Built from other
 * inputs, it is another build of the same version: never overwrite it.
 */
export function decideBeforePush(plan: PublishPlan, now: PublishedImage | null): BeforePush {
  if (!now) return { kind: "push" };
  const ref = `${plan.repository}:${plan.immutable.tag}`;
  if (now.inputsDigest === plan.inputsDigest) {
    return {
      kind: "done",
      digest: now.digest,
      notice: `${ref} appeared in the registry (${now.digest}) while this run was building, built from the same inputs: another publish got there first; not pushing, completing its floating tags`,
    };
  }
  return {
    kind: "refuse",
    error: `${ref} appeared in the registry (${now.digest}) while this run was building, built from other inputs (${now.inputsDigest ?? "unlabelled"} ≠ ${plan.inputsDigest}): another publish got there first; not overwriting it (re-run to skip it and complete the floating tags)`,
  };
}

/**
 * The floating tags to write once `digest` is X.Y.Z and attested, against
 * the registry as it is now: a newer version published while this one was
 * building keeps its lines, and a tag already on `digest` is left alone.
 */
export function floatingOnto(plan: PublishPlan, now: Pick<RegistrySnapshot, "tags" | "floating">, digest: string): PlannedTag[] {
  if (plan.floating.length === 0) return [];
  return floatingSteps({ version: plan.immutable.tag, existingTags: now.tags, floatingDigests: now.floating, digest }).map(
    (s): PlannedTag => ({ ...s, target: moves(s) ? { digest } : at(now.floating[s.tag]) }),
  );
}

/** The tags a plan writes, in the order it writes them. */
export const tagsToWrite = (tags: PlannedTag[]): string[] => tags.filter(moves).map((s) => s.tag);
