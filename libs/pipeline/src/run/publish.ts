import type { Container } from "@dagger.io/dagger";
import { daggerSdk } from "../dagger/sdk.ts";
import type { ImagePackage } from "@image-tooling/image-metadata";
import { isDockerHub, type PipelineConfig } from "../config/config.ts";
import { describePushFailure } from "../build/build-error.ts";
import { INPUTS_DIGEST_LABEL } from "../build/labels.ts";
import { attestPlanLine, attestPublished, publishSigning } from "../attest/publish-step.ts";
import type { SigningMode } from "../attest/signing.ts";
import { RegistryClient } from "../registry/client.ts";
import { RegistryError } from "../registry/errors.ts";
import { withRetries } from "../registry/retry.ts";
import { engineErrorSummary, transientPushFailure } from "./push-errors.ts";
import type { ImageResult } from "../report/result.ts";
import type { Logger } from "../report/logger.ts";
import type { RunRecord } from "../report/run-record.ts";
import { planTags, type TagPlan, type TagStep } from "../tags/plan-tags.ts";
import { buildImage, chainInputsDigest, type BuildContext, type ParentResolver, type ResolvedBase } from "./build-image-chain.ts";
import { withHostLock } from "./host-lock.ts";
import { affectedImages } from "./affected.ts";
import { smokeBuilt, withLocalBuild, type LocalRun } from "./local.ts";

/** A publish that stopped for a reason the user can act on; what it did so far is in the run's RunRecord. */
export class PublishError extends Error {}

interface Target {
  config: PipelineConfig;
  client: RegistryClient;
  /** Repository path without the registry: `<namespace>/<image>`. */
  repo(image: string): string;
  /** Full reference base: `<registry>/<namespace>/<image>`. */
  ref(image: string): string;
}

function target(config: PipelineConfig, log: Logger): Target {
  return {
    config,
    client: new RegistryClient({ registry: config.registry, username: config.username, password: config.password, plainHttp: config.plainHttp, retry: config.retry, onRetry: (line) => log.info(line) }),
    repo: (image) => `${config.namespace}/${image}`,
    ref: (image) => `${config.registry}/${config.namespace}/${image}`,
  };
}

function branchOf(run: LocalRun, config: PipelineConfig): string | undefined {
  return config.branch ?? run.git.branch;
}

/** The tag an image is published under in this channel: X.Y.Z, or its branch tag. */
function immutableTagOf(run: LocalRun, config: PipelineConfig, pkg: ImagePackage, existing: string[] = []): string {
  return planTags({ version: pkg.version, existingTags: existing, channel: config.channel, branch: branchOf(run, config), sha: run.git.revision }).immutable.tag;
}

interface ImagePlan {
  pkg: ImagePackage;
  tags: TagPlan;
  /** Digest of the immutable tag when it already exists. */
  existingDigest: string | null;
  floatingDigests: Record<string, string | null>;
  inputsDigest: string;
  /** The published image's inputs digest, when it exists: differs → files changed without a version bump. */
  publishedInputsDigest?: string;
}

async function planImage(run: LocalRun, t: Target, pkg: ImagePackage): Promise<ImagePlan> {
  const repo = t.repo(pkg.name);
  const existing = await t.client.listTags(repo);
  const first = planTags({ version: pkg.version, existingTags: existing, channel: t.config.channel, branch: branchOf(run, t.config), sha: run.git.revision });
  const existingDigest = first.immutable.action === "skip" ? await t.client.manifestDigest(repo, first.immutable.tag) : null;
  const floatingDigests: Record<string, string | null> = {};
  for (const step of first.floating) if (existing.includes(step.tag)) floatingDigests[step.tag] = await t.client.manifestDigest(repo, step.tag);
  const tags = planTags({
    version: pkg.version,
    existingTags: existing,
    channel: t.config.channel,
    branch: branchOf(run, t.config),
    sha: run.git.revision,
    digest: existingDigest ?? undefined,
    floatingDigests,
  });
  let publishedInputsDigest: string | undefined;
  if (existingDigest) {
    const cfg = await t.client.imageConfig(repo, existingDigest, pkg.metadata.platforms[0]);
    publishedInputsDigest = cfg.config?.Labels?.[INPUTS_DIGEST_LABEL];
  }
  return { pkg, tags, existingDigest, floatingDigests, inputsDigest: chainInputsDigest(run.ws, pkg), publishedInputsDigest };
}

/** What a skipped image tells the user: a plain re-run, or changed files without a changeset. */
function skipNotice(p: ImagePlan): string {
  const tag = p.tags.immutable.tag;
  if (p.publishedInputsDigest && p.publishedInputsDigest !== p.inputsDigest) {
    return `${p.pkg.name} ${tag} is already published, but its files changed since: this change has no changeset for ${p.pkg.name} — add one (npx changeset, pick ${p.pkg.name}) so it is released as a new version`;
  }
  return `${p.pkg.name} ${tag} is already published (${p.existingDigest}); skipped`;
}

/**
 * In publish, a child builds FROM its parent as published at the parent's
 * version for this channel — Nx's `dependsOn: ["^publish"]` publishes the
 * parent first in the same run. The published parent must carry this commit's
 * inputs digest: otherwise it was built from other files, and building on it
 * would test the child against a parent that is not this commit's.
 */
function publishedParents(run: LocalRun, t: Target): ParentResolver {
  return async (parent, parentInputs): Promise<ResolvedBase> => {
    const repo = t.repo(parent.name);
    const tag = immutableTagOf(run, t.config, parent);
    const digest = await t.client.manifestDigest(repo, tag);
    if (!digest) {
      throw new PublishError(`parent image ${t.ref(parent.name)}:${tag} is not published yet: publish it first (\`npx nx run <child>:publish\` does, through dependsOn ^publish)`);
    }
    const cfg = await t.client.imageConfig(repo, digest, parent.metadata.platforms[0]);
    const published = cfg.config?.Labels?.[INPUTS_DIGEST_LABEL];
    if (published !== parentInputs) {
      throw new PublishError(
        `parent image ${t.ref(parent.name)}:${tag} was built from other files than this commit's ${parent.root} (inputs ${published ?? "unlabelled"} ≠ ${parentInputs}): add a changeset for ${parent.name} so it is released as a new version, then publish again`
      );
    }
    return { ref: `${t.ref(parent.name)}@${digest}`, name: `${t.ref(parent.name)}:${tag}`, digest };
  };
}

function tagRecord(steps: TagStep[], digestOf: (s: TagStep) => string | undefined): ImageResult["tags"] {
  return Object.fromEntries(steps.map((s) => [s.tag, { action: s.action, reason: s.reason, digest: digestOf(s) }]));
}

function printPlan(run: LocalRun, t: Target, p: ImagePlan, baseNote: string): void {
  const log = run.log;
  log.info(`\n${p.pkg.name} ${p.pkg.version} → ${t.ref(p.pkg.name)}  [${p.pkg.metadata.platforms.join(", ")}]`);
  log.info(`  base: ${baseNote}`);
  for (const s of [p.tags.immutable, ...p.tags.floating]) log.info(`  ${s.action.padEnd(6)} ${s.tag.padEnd(28)} ${s.reason}`);
  log.info(`  attest ${attestPlanLine(p.pkg, p.existingDigest)}`);
  if (p.tags.immutable.action === "skip") log.info(`  note: ${skipNotice(p)}`);
}

function baseNote(run: LocalRun, t: Target, pkg: ImagePackage, planned: Map<string, ImagePlan>): string {
  if (pkg.metadata.base) return `${pkg.metadata.base.image}@${pkg.metadata.base.digest}`;
  const parentPkg = run.ws.graph.images.get(pkg.metadata.parent!)!;
  const parent = planned.get(parentPkg.name);
  const tag = parent?.tags.immutable.tag ?? immutableTagOf(run, t.config, parentPkg);
  const when = !parent ? "as published by its own publish, which nx runs first" : parent.tags.immutable.action === "create" ? "published earlier in this run" : parent.existingDigest;
  return `${t.ref(parentPkg.name)}:${tag} (${when})`;
}

/** Moves the floating tags of a plan to `digest` by re-putting that manifest's exact bytes. */
async function moveFloating(run: LocalRun, t: Target, pkg: ImagePackage, plan: TagPlan, digest: string, record: RunRecord): Promise<void> {
  const moves = plan.floating.filter((s) => s.action !== "skip");
  if (moves.length === 0) return;
  const repo = t.repo(pkg.name);
  const manifest = await t.client.getManifest(repo, digest);
  for (const s of moves) {
    await run.log.step(`${pkg.name}: ${s.action} ${s.tag} → ${digest.slice(0, 19)}…`, async () => {
      const put = await t.client.putManifest(repo, s.tag, { mediaType: manifest.mediaType, bytes: manifest.bytes });
      if (put !== digest) throw new PublishError(`${t.ref(pkg.name)}:${s.tag} was stored as ${put}, not ${digest}`);
      record.tag(s.tag, { action: s.action, reason: s.reason, digest });
    });
  }
}

/** The pushed index's platforms: each one's manifest digest and compressed size, from one read of the index. */
async function publishedPlatforms(t: Target, image: string, digest: string): Promise<{ platforms: Record<string, string>; sizes: Record<string, number> }> {
  const manifests = await t.client.platformManifests(t.repo(image), digest);
  return {
    platforms: Object.fromEntries(manifests.map((m) => [m.platform, m.digest])),
    sizes: await t.client.platformSizes(t.repo(image), digest, manifests),
  };
}

async function preflight(run: LocalRun, t: Target, image: string): Promise<void> {
  await run.log.step(`registry ${t.config.registry}: reachable${t.config.username ? `, credentials of ${t.config.username} accepted` : ""}`, () =>
    t.client.ping({ repository: t.repo(image), push: true }),
  );
}

/**
 * `publish <image>`: plan from the registry; skip an existing immutable tag
 * (a re-run is a no-op, but floating tags an interrupted run left behind are
 * completed); otherwise build, smoke every platform, push the immutable tag,
 * check the registry holds exactly that digest, then move floating tags.
 * Every tag is entered in `record` once the registry holds it, so a run that
 * stops half way leaves a result saying what it wrote.
 */
export async function runPublishCommand(run: LocalRun, config: PipelineConfig, image: string, opts: { dryRun: boolean; verbose?: boolean }, record: RunRecord): Promise<ImageResult[]> {
  const t = target(config, run.log);
  const pkg = run.ws.graph.images.get(image)!;
  const startedOn = new Date();
  record.note({ channel: config.channel, repository: t.ref(image) });
  await preflight(run, t, image);
  // Asked first: a run that cannot sign must stop before it pushes anything.
  const signing = opts.dryRun ? undefined : publishSigning();
  const plan = await planImage(run, t, pkg);
  const planned = new Map([[pkg.name, plan]]);
  record.note({ inputsDigest: plan.inputsDigest });

  if (opts.dryRun) {
    printPlan(run, t, plan, baseNote(run, t, pkg, planned));
    run.log.info("\n(dry run: nothing built, nothing pushed)");
    return [
      record.finish("planned", {
        tags: tagRecord([plan.tags.immutable, ...plan.tags.floating], () => undefined),
        attestations: { status: "planned", note: attestPlanLine(pkg, plan.existingDigest) },
      }),
    ];
  }

  if (plan.existingDigest) {
    const digest = plan.existingDigest;
    run.log.info(skipNotice(plan));
    record.note({ digest, notice: skipNotice(plan) });
    record.tag(plan.tags.immutable.tag, { action: "skip", reason: plan.tags.immutable.reason, digest });
    record.plan(plan.tags.floating.filter((s) => s.action !== "skip").map((s) => s.tag));
    const { platforms, sizes } = await publishedPlatforms(t, image, digest);
    record.note({ platforms });
    // ── attest (a re-run completes what an interrupted run left out; adds nothing to a complete digest) ──
    const attestations = await attestOrStop(run, t, pkg, digest, platforms, signing!, startedOn, record);
    await moveFloating(run, t, pkg, plan.tags, digest, record);
    return [
      record.finish("skipped", {
        platforms,
        attestations,
        sizes,
        tags: tagRecord([plan.tags.immutable, ...plan.tags.floating], (s) => (s.action === "skip" ? (plan.floatingDigests[s.tag] ?? (s === plan.tags.immutable ? digest : undefined)) : digest)),
      }),
    ];
  }

  printPlan(run, t, plan, baseNote(run, t, pkg, planned));
  record.plan([plan.tags.immutable, ...plan.tags.floating].filter((s) => s.action !== "skip").map((s) => s.tag));
  return withLocalBuild(
    run,
    async (ctx: BuildContext) => {
      const built = await buildImage(ctx, pkg, publishedParents(run, t));
      record.note({ base: built.baseRef });
      const checks = await smokeBuilt(run, built);
      record.note({ checks });

      let containers = [...built.containers.values()];
      if (config.username && config.password) {
        const { dag } = await daggerSdk();
        const secret = dag.setSecret("registry-password", config.password);
        const authHost = isDockerHub(config.registry) ? "docker.io" : config.registry;
        containers = containers.map((c) => c.withRegistryAuth(authHost, config.username!, secret));
      }
      const immutable = plan.tags.immutable;
      const ref = `${t.ref(image)}:${immutable.tag}`;
      // Check, push and verify as one step for every publish on this machine (see host-lock.ts; README "Concurrent publishes").
      const digest = await withHostLock(
        ref,
        async () => {
          // Someone may have published this version since we planned: never overwrite it.
          const appeared = await t.client.manifestDigest(t.repo(image), immutable.tag);
          if (appeared) throw new PublishError(`${ref} appeared in the registry (${appeared}) while this run was building: another publish got there first; not overwriting it (re-run to skip it and complete the floating tags)`);
          const pushed = await run.log.step(`${image}: push ${ref}`, () => pushImmutable(run, t, image, immutable.tag, containers));
          const d = pushed.slice(pushed.indexOf("@") + 1);
          const stored = await t.client.manifestDigest(t.repo(image), immutable.tag);
          if (stored !== d) throw new PublishError(`${ref} points at ${stored}, not the ${d} just pushed; floating tags not moved`);
          return d;
        },
        { onWait: (owner) => run.log.info(`  … another publish on this machine (${owner}) is pushing ${ref}; waiting for it`) },
      );
      record.note({ digest });
      record.tag(immutable.tag, { action: immutable.action, reason: immutable.reason, digest });
      const { platforms, sizes } = await publishedPlatforms(t, image, digest);
      record.note({ platforms });
      // ── attest: sign, SBOMs, provenance of the pushed digest, before any floating tag moves ──
      const attestations = await attestOrStop(run, t, pkg, digest, platforms, signing!, startedOn, record);

      const after = planTags({ version: pkg.version, existingTags: [...(await t.client.listTags(t.repo(image)))], channel: config.channel, branch: branchOf(run, config), sha: run.git.revision, digest, floatingDigests: plan.floatingDigests });
      record.plan(after.floating.filter((s) => s.action !== "skip").map((s) => s.tag));
      await moveFloating(run, t, pkg, after, digest, record);
      return [
        record.finish("pushed", {
          platforms,
          attestations,
          sizes,
          tags: tagRecord([immutable, ...after.floating], (s) => (s.action === "skip" ? (plan.floatingDigests[s.tag] ?? undefined) : digest)),
        }),
      ];
    },
    { verbose: opts.verbose },
  );
}

/** Signs and attests `digest`; a failure stops the publish before floating tags move, and says so in the result. */
async function attestOrStop(run: LocalRun, t: Target, pkg: ImagePackage, digest: string, platforms: Record<string, string>, signing: SigningMode, startedOn: Date, record: RunRecord): Promise<ImageResult["attestations"]> {
  const attestations = await attestPublished(run, t.config, t.client, pkg, digest, platforms, signing, startedOn);
  if (attestations.status !== "failed") return attestations;
  record.note({ attestations });
  throw new PublishError(`${pkg.name}: ${t.ref(pkg.name)}@${digest} is pushed but could not be signed and attested (${attestations.error}); floating tags not moved — fix the cause and re-run publish: it completes the attestations of this digest`);
}

/**
 * The engine pushes X.Y.Z, retried like our own registry requests when the
 * registry fails transiently. Before each retry the tag must still be absent:
 * if it appeared, either our failed push got through or someone else pushed,
 * and we cannot tell which — stop, and a re-run skips it.
 */
async function pushImmutable(run: LocalRun, t: Target, image: string, tag: string, containers: Container[]): Promise<string> {
  const ref = `${t.ref(image)}:${tag}`;
  let attempts = 0;
  const r = await withRetries(
    `push ${ref}`,
    async () => {
      if (attempts++ > 0 && (await t.client.manifestDigest(t.repo(image), tag))) {
        throw new PublishError(`${ref} appeared in the registry after a push that failed; not pushing again (re-run: it skips ${tag} and completes the floating tags)`);
      }
      return containers[0]!.publish(ref, { platformVariants: containers.slice(1) });
    },
    (o) => {
      // Our own checks between pushes fail with their own clear errors (and retry in the client already).
      if (o.ok || o.error instanceof PublishError || o.error instanceof RegistryError) return null;
      const reason = transientPushFailure(engineErrorSummary(o.error, 50, 2000));
      return reason ? { reason } : null;
    },
    { policy: t.config.retry, onRetry: (line) => run.log.info(line) },
  );
  if (r.outcome.ok) return r.outcome.value;
  const e = r.outcome.error;
  if (e instanceof PublishError || e instanceof RegistryError) throw e;
  throw new PublishError(`${image}: ${describePushFailure(ref, e, r.gaveUp)}`);
}

/** `plan [images…] [--affected]`: every image's publish plan, parents first; reads the registry only. */
export async function runPlanCommand(run: LocalRun, config: PipelineConfig, images: string[], opts: { affected: boolean; base?: string }, record: RunRecord): Promise<ImageResult[]> {
  const t = target(config, run.log);
  const wanted = new Set(opts.affected ? affectedImages(run.ws.root, { base: opts.base ?? "main", head: "HEAD" }) : images.length ? images : run.ws.graph.order);
  // Parents first; an explicitly named child brings no ancestor along (nx does that with dependsOn).
  const order = run.ws.graph.order.filter((n) => wanted.has(n));
  if (order.length === 0) {
    run.log.info("no images to plan");
    return [];
  }
  const planned = new Map<string, ImagePlan>();
  for (const name of order) {
    const pkg = run.ws.graph.images.get(name)!;
    record.begin({ image: name, version: pkg.version, command: "plan", channel: config.channel, repository: t.ref(name) });
    if (planned.size === 0) await run.log.step(`registry ${config.registry}: reachable`, () => t.client.ping());
    const p = await planImage(run, t, pkg);
    planned.set(name, p);
    printPlan(run, t, p, baseNote(run, t, pkg, planned));
    record.finish("planned", {
      inputsDigest: p.inputsDigest,
      base: baseNote(run, t, pkg, planned),
      digest: p.existingDigest ?? undefined,
      tags: tagRecord([p.tags.immutable, ...p.tags.floating], (s) => (s.action === "skip" ? (p.floatingDigests[s.tag] ?? p.existingDigest ?? undefined) : undefined)),
      notice: p.tags.immutable.action === "skip" ? skipNotice(p) : undefined,
      attestations: { status: "planned", note: attestPlanLine(pkg, p.existingDigest) },
    });
  }
  return record.results();
}
