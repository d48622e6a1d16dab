import { execFileSync } from "node:child_process";
import { dag } from "@dagger.io/dagger";
import type { ImagePackage } from "@image-tooling/image-metadata";
import { isDockerHub, type PipelineConfig } from "../config/config.ts";
import { describePushFailure } from "../build/build-error.ts";
import { INPUTS_DIGEST_LABEL } from "../build/labels.ts";
import { attestPlanLine, attestPublished, publishSigning } from "../attest/publish-step.ts";
import type { SigningMode } from "../attest/signing.ts";
import { RegistryClient } from "../registry/client.ts";
import type { ImageResult } from "../report/result.ts";
import { planTags, type TagPlan, type TagStep } from "../tags/plan-tags.ts";
import { buildImage, chainInputsDigest, type BuildContext, type ParentResolver, type ResolvedBase } from "./build-image-chain.ts";
import { smokeBuilt, withLocalBuild, type LocalRun } from "./local.ts";
import type { Workspace } from "./workspace.ts";

/** A publish that stopped: carries the per-image results so far, for the summary. */
export class PublishError extends Error {
  constructor(
    message: string,
    readonly results: ImageResult[],
  ) {
    super(message);
  }
}

interface Target {
  config: PipelineConfig;
  client: RegistryClient;
  /** Repository path without the registry: `<namespace>/<image>`. */
  repo(image: string): string;
  /** Full reference base: `<registry>/<namespace>/<image>`. */
  ref(image: string): string;
}

function target(config: PipelineConfig): Target {
  return {
    config,
    client: new RegistryClient({ registry: config.registry, username: config.username, password: config.password, plainHttp: config.plainHttp }),
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
      throw new PublishError(`parent image ${t.ref(parent.name)}:${tag} is not published yet: publish it first (\`npx nx run <child>:publish\` does, through dependsOn ^publish)`, []);
    }
    const cfg = await t.client.imageConfig(repo, digest, parent.metadata.platforms[0]);
    const published = cfg.config?.Labels?.[INPUTS_DIGEST_LABEL];
    if (published !== parentInputs) {
      throw new PublishError(
        `parent image ${t.ref(parent.name)}:${tag} was built from other files than this commit's ${parent.root} (inputs ${published ?? "unlabelled"} ≠ ${parentInputs}): add a changeset for ${parent.name} so it is released as a new version, then publish again`,
        [],
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
async function moveFloating(run: LocalRun, t: Target, pkg: ImagePackage, plan: TagPlan, digest: string): Promise<void> {
  const moves = plan.floating.filter((s) => s.action !== "skip");
  if (moves.length === 0) return;
  const repo = t.repo(pkg.name);
  const manifest = await t.client.getManifest(repo, digest);
  for (const s of moves) {
    await run.log.step(`${pkg.name}: ${s.action} ${s.tag} → ${digest.slice(0, 19)}…`, async () => {
      const put = await t.client.putManifest(repo, s.tag, { mediaType: manifest.mediaType, bytes: manifest.bytes });
      if (put !== digest) throw new PublishError(`${t.ref(pkg.name)}:${s.tag} was stored as ${put}, not ${digest}`, []);
    });
  }
}

async function platformDigests(t: Target, image: string, digest: string): Promise<Record<string, string>> {
  return Object.fromEntries((await t.client.platformManifests(t.repo(image), digest)).map((m) => [m.platform, m.digest]));
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
 */
export async function runPublishCommand(run: LocalRun, config: PipelineConfig, image: string, opts: { dryRun: boolean; verbose?: boolean }): Promise<ImageResult[]> {
  const t0 = Date.now();
  const t = target(config);
  const pkg = run.ws.graph.images.get(image)!;
  await preflight(run, t, image);
  // Asked first: a run that cannot sign must stop before it pushes anything.
  const signing = opts.dryRun ? undefined : publishSigning();
  const plan = await planImage(run, t, pkg);
  const planned = new Map([[pkg.name, plan]]);
  const base: Omit<ImageResult, "status" | "durationMs"> = { image, version: pkg.version, command: "publish", channel: config.channel, repository: t.ref(image), inputsDigest: plan.inputsDigest };

  if (opts.dryRun) {
    printPlan(run, t, plan, baseNote(run, t, pkg, planned));
    run.log.info("\n(dry run: nothing built, nothing pushed)");
    return [{ ...base, status: "planned", tags: tagRecord([plan.tags.immutable, ...plan.tags.floating], () => undefined), attestations: { status: "planned", note: attestPlanLine(pkg, plan.existingDigest) }, durationMs: Date.now() - t0 }];
  }

  if (plan.existingDigest) {
    run.log.info(skipNotice(plan));
    const digest = plan.existingDigest;
    const platforms = await platformDigests(t, image, digest);
    // ── attest (a re-run completes what an interrupted run left out; adds nothing to a complete digest) ──
    const attestations = await attestOrStop(run, t, pkg, digest, platforms, signing!, new Date(t0), { ...base, status: "failed", digest, platforms });
    await moveFloating(run, t, pkg, plan.tags, plan.existingDigest);
    return [
      {
        ...base,
        status: "skipped",
        digest,
        platforms,
        attestations,
        tags: tagRecord([plan.tags.immutable, ...plan.tags.floating], (s) => (s.action === "skip" ? (plan.floatingDigests[s.tag] ?? (s === plan.tags.immutable ? digest : undefined)) : digest)),
        notice: skipNotice(plan),
        durationMs: Date.now() - t0,
      },
    ];
  }

  printPlan(run, t, plan, baseNote(run, t, pkg, planned));
  return withLocalBuild(
    run,
    async (ctx: BuildContext) => {
      const built = await buildImage(ctx, pkg, publishedParents(run, t));
      await smokeBuilt(run, built);

      let containers = [...built.containers.values()];
      if (config.username && config.password) {
        const secret = dag.setSecret("registry-password", config.password);
        const authHost = isDockerHub(config.registry) ? "docker.io" : config.registry;
        containers = containers.map((c) => c.withRegistryAuth(authHost, config.username!, secret));
      }
      const immutable = plan.tags.immutable;
      // Someone may have published this version since we planned: never overwrite it.
      if (await t.client.manifestDigest(t.repo(image), immutable.tag)) {
        throw new PublishError(`${t.ref(image)}:${immutable.tag} appeared in the registry while this run was building; not overwriting it (re-run to skip it)`, []);
      }
      const pushRef = `${t.ref(image)}:${immutable.tag}`;
      const pushed = await run.log.step(`${image}: push ${pushRef}`, async () => {
        try {
          return await containers[0]!.publish(pushRef, { platformVariants: containers.slice(1) });
        } catch (e) {
          throw new PublishError(`${image}: ${describePushFailure(pushRef, e)}`, []);
        }
      });
      const digest = pushed.slice(pushed.indexOf("@") + 1);
      const stored = await t.client.manifestDigest(t.repo(image), immutable.tag);
      if (stored !== digest) throw new PublishError(`${t.ref(image)}:${immutable.tag} points at ${stored}, not the ${digest} just pushed; floating tags not moved`, []);
      const platforms = await platformDigests(t, image, digest);
      // ── attest: sign, SBOMs, provenance of the pushed digest, before any floating tag moves ──
      const attestations = await attestOrStop(run, t, pkg, digest, platforms, signing!, new Date(t0), { ...base, status: "failed", digest, base: built.baseRef, platforms });

      const after = planTags({ version: pkg.version, existingTags: [...(await t.client.listTags(t.repo(image)))], channel: config.channel, branch: branchOf(run, config), sha: run.git.revision, digest, floatingDigests: plan.floatingDigests });
      await moveFloating(run, t, pkg, after, digest);
      return [
        {
          ...base,
          status: "pushed",
          digest,
          base: built.baseRef,
          platforms,
          attestations,
          tags: tagRecord([immutable, ...after.floating], (s) => (s.action === "skip" ? (plan.floatingDigests[s.tag] ?? undefined) : digest)),
          durationMs: Date.now() - t0,
        } satisfies ImageResult,
      ];
    },
    { verbose: opts.verbose },
  );
}

/** Signs and attests `digest`; a failure stops the publish before floating tags move, and says so in the result. */
async function attestOrStop(run: LocalRun, t: Target, pkg: ImagePackage, digest: string, platforms: Record<string, string>, signing: SigningMode, startedOn: Date, failed: Omit<ImageResult, "durationMs">): Promise<ImageResult["attestations"]> {
  const attestations = await attestPublished(run, t.config, t.client, pkg, digest, platforms, signing, startedOn);
  if (attestations.status !== "failed") return attestations;
  const message = `${pkg.name}: ${t.ref(pkg.name)}@${digest} is pushed but could not be signed and attested (${attestations.error}); floating tags not moved — fix the cause and re-run publish: it completes the attestations of this digest`;
  throw new PublishError(message, [{ ...failed, attestations, error: message, durationMs: Date.now() - startedOn.getTime() }]);
}

/** Image names nx considers affected since `base`, in publish order (parents first). */
export function affectedImages(ws: Workspace, base: string): string[] {
  const nx = `${ws.root}/node_modules/nx/dist/bin/nx.js`;
  const out = execFileSync(process.execPath, [nx, "show", "projects", "--affected", `--base=${base}`, "--head=HEAD", "--json"], {
    cwd: ws.root,
    encoding: "utf8",
    env: { ...process.env, NX_DAEMON: process.env.NX_DAEMON ?? "false" },
  });
  const affected = new Set(JSON.parse(out.slice(out.indexOf("["))) as string[]);
  return ws.graph.order.filter((n) => affected.has(n));
}

/** `plan [images…] [--affected]`: every image's publish plan, parents first; reads the registry only. */
export async function runPlanCommand(run: LocalRun, config: PipelineConfig, images: string[], opts: { affected: boolean; base?: string }): Promise<ImageResult[]> {
  const t = target(config);
  const wanted = new Set(opts.affected ? affectedImages(run.ws, opts.base ?? "main") : images.length ? images : run.ws.graph.order);
  // Parents first; an explicitly named child brings no ancestor along (nx does that with dependsOn).
  const order = run.ws.graph.order.filter((n) => wanted.has(n));
  if (order.length === 0) {
    run.log.info("no images to plan");
    return [];
  }
  await run.log.step(`registry ${config.registry}: reachable`, () => t.client.ping());
  const planned = new Map<string, ImagePlan>();
  const results: ImageResult[] = [];
  for (const name of order) {
    const t0 = Date.now();
    const pkg = run.ws.graph.images.get(name)!;
    const p = await planImage(run, t, pkg);
    planned.set(name, p);
    printPlan(run, t, p, baseNote(run, t, pkg, planned));
    results.push({
      image: name,
      version: pkg.version,
      command: "plan",
      channel: config.channel,
      status: "planned",
      repository: t.ref(name),
      inputsDigest: p.inputsDigest,
      base: baseNote(run, t, pkg, planned),
      digest: p.existingDigest ?? undefined,
      tags: tagRecord([p.tags.immutable, ...p.tags.floating], (s) => (s.action === "skip" ? (p.floatingDigests[s.tag] ?? p.existingDigest ?? undefined) : undefined)),
      notice: p.tags.immutable.action === "skip" ? skipNotice(p) : undefined,
      attestations: { status: "planned", note: attestPlanLine(pkg, p.existingDigest) },
      durationMs: Date.now() - t0,
    });
  }
  return results;
}
