import type { Container } from "@dagger.io/dagger";
import type { ImagePackage } from "@image-tooling/image-metadata";
import { attestPublished } from "../attest/publish-step.ts";
import type { SigningMode } from "../attest/signing.ts";
import { describePushFailure } from "../build/build-error.ts";
import { engineReachHint } from "../dagger/engine-reach.ts";
import { isDockerHub, type PipelineConfig } from "../config/config.ts";
import { daggerSdk } from "../dagger/sdk.ts";
import { decideBeforePush, floatingOnto, tagsToWrite, type PlannedTag, type PublishPlan, type SnapshotQuery } from "../plan/plan-publish.ts";
import { tagRecord } from "../plan/plan-text.ts";
import { readPublished, readSnapshot } from "../plan/read-snapshot.ts";
import { type RegistryClient, RegistryError, withRetries } from "@image-tooling/oci-registry";
import type { ImageResult } from "../report/result.ts";
import type { RunRecord } from "../report/run-record.ts";
import { buildImage, type ChainInputs, type ResolvedBase } from "./build-image-chain.ts";
import { withHostLock } from "./host-lock.ts";
import { smokeBuilt, withBuildSession } from "./build-session.ts";
import type { RunContext } from "../context/run-context.ts";
import { PublishError } from "./publish-error.ts";
import { engineErrorSummary, transientPushFailure } from "./push-errors.ts";
import { scanAndGate } from "../scan/gate-step.ts";
import type { PlatformScan } from "../scan/findings.ts";
import { attestPublishedVulns } from "../scan/publish-vuln.ts";
import { deltaFromPrevious } from "../scan/previous.ts";
import { changesForNotes } from "./publish-changes.ts";

/** Everything the applier carries out one image's plan with. */
export interface Applier {
  run: RunContext;
  config: PipelineConfig;
  client: RegistryClient;
  record: RunRecord;
  pkg: ImagePackage;
  plan: PublishPlan;
  /** What the plan was read with; read again right before each write. */
  query: SnapshotQuery;
  inputs: ChainInputs;
  signing: SigningMode;
  startedOn: Date;
  verbose?: boolean;
}

/**
 * Carries out a publish plan. Every tag is entered in the record once the
 * registry holds it, so a run that stops half way leaves a result saying
 * what it wrote.
 */
export async function applyPlan(applier: Applier): Promise<ImageResult[]> {
  const { plan } = applier;
  if (plan.action.kind !== "build") return completeExisting(applier, plan.action.digest, plan.notice!, "as planned");
  return buildAndPush(applier);
}

/**
 * X.Y.Z is in the registry: attest what it lacks, then move the floating
 * tags onto it — as planned, or, when it appeared while this run was
 * building, as the registry stands now.
 */
async function completeExisting(applier: Applier, digest: string, notice: string, floating: "as planned" | "as the registry is now"): Promise<ImageResult[]> {
  const { run, record, plan } = applier;
  run.log.info(notice);
  record.note({ digest, notice });
  const immutable: PlannedTag = { ...plan.immutable, action: "skip", target: { digest } };
  if (plan.action.kind === "build") immutable.reason = "published by another run while this one was building";
  record.tag(immutable.tag, { action: "skip", reason: immutable.reason, digest });
  record.plan(tagsToWrite(plan.floating));
  const { platforms, sizes } = await publishedPlatforms(applier, digest);
  record.note({ platforms });
  // A re-run completes what an interrupted run left out; adds nothing to a complete digest.
  const attestations = await attestOrStop(applier, digest, platforms);
  const tags = floating === "as planned" ? plan.floating : await floatingNow(applier, digest);
  await moveFloating(applier, tags, digest);
  // A re-run that completes an interrupted publish is the one whose notes the release gets.
  const changes = await changesForNotes(applier);
  return [record.finish("skipped", { platforms, attestations, sizes, tags: tagRecord([immutable, ...tags]), ...(changes && { changes }) })];
}

/** The floating steps onto `digest`, against the registry read again now. */
async function floatingNow(applier: Applier, digest: string): Promise<PlannedTag[]> {
  const now = await readSnapshot(applier.client, applier.query, { parent: false });
  const tags = floatingOnto(applier.plan, now, digest);
  applier.record.plan(tagsToWrite(tags));
  return tags;
}

function plannedBase(plan: PublishPlan): ResolvedBase {
  const base = plan.base;
  if (base.kind === "pinned" || base.kind === "parent") return base;
  throw new PublishError(base.kind === "parent-blocked" ? base.error : `parent image ${base.name} was not read from the registry (${base.note})`);
}

/**
 * Build, smoke every platform, push X.Y.Z, check the registry holds exactly
 * that digest, attest it, then move the floating tags.
 */
async function buildAndPush(applier: Applier): Promise<ImageResult[]> {
  const { run, config, record, plan, pkg } = applier;
  record.plan(tagsToWrite([plan.immutable, ...plan.floating]));
  const base = plannedBase(plan);
  return withBuildSession(
    run,
    async (ctx) => {
      const built = await buildImage(ctx, pkg, async () => base, applier.inputs);
      record.note({ base: built.baseRef });
      const checks = await smokeBuilt(run, built);
      record.note({ checks });
      // The gate, before anything is pushed: an image that fails it never reaches the registry.
      const { report, scans } = await scanAndGate(run, built);
      // For the release notes only: a registry that cannot say is noted, never a reason to stop.
      const previous = await deltaFromPrevious(applier.client, applier.query.repository, pkg.version, scans).catch((e: Error) => {
        run.log.info(`  (no vulnerability delta from the previous release: ${e.message})`);
        return undefined;
      });
      record.note({ vulnerabilities: { ...report, ...(previous && { previous }) } });

      const containers = withPushAuth(config, [...built.containers.values()], await daggerSdk());
      return publishDigest(applier, (ref) => run.log.step(`${plan.image}: push ${ref}`, () => pushImmutable(applier, ref, containers)), scans);
    },
    { verbose: applier.verbose },
  );
}

/** The engine's pushes carry the registry credentials, when there are any, as a Dagger secret. */
export function withPushAuth(config: PipelineConfig, containers: Container[], sdk: Awaited<ReturnType<typeof daggerSdk>>): Container[] {
  if (!config.username || !config.password) return containers;
  const secret = sdk.dag.setSecret("registry-password", config.password);
  const authHost = isDockerHub(config.registry) ? "docker.io" : config.registry;
  return containers.map((container) => container.withRegistryAuth(authHost, config.username!, secret));
}

/**
 * Pushes X.Y.Z with `push` (the engine's push of a built image, or the PUT
 * of an index merged from staged platforms), checks and attests it, then
 * moves the floating tags. Check, push, verify and attest are one step for
 * every publish on this machine (see host-lock.ts; README "What a failed or
 * concurrent publish leaves behind"): a publish that finds this X.Y.Z when
 * it gets the lock finds it attested too, rather than racing to attest it.
 */
export async function publishDigest(applier: Applier, push: (ref: string) => Promise<string>, scans?: PlatformScan[]): Promise<ImageResult[]> {
  const { run, record, plan } = applier;
  const ref = `${plan.repository}:${plan.immutable.tag}`;
  const outcome = await withHostLock(ref, () => pushAndAttest(applier, ref, push, scans), {
    onWait: (owner) => run.log.info(`  … another publish on this machine (${owner}) is pushing ${ref}; waiting for it`),
  });
  if (outcome.kind === "done") return completeExisting(applier, outcome.digest, outcome.notice, "as the registry is now");

  const { digest, platforms, sizes, attestations } = outcome;
  const floating = await floatingNow(applier, digest);
  await moveFloating(applier, floating, digest);
  const changes = await changesForNotes(applier);
  return [record.finish("pushed", { platforms, attestations, sizes, tags: tagRecord([plan.immutable, ...floating], digest), ...(changes && { changes }) })];
}

type PushOutcome =
  | { kind: "done"; digest: string; notice: string }
  | { kind: "pushed"; digest: string; platforms: Record<string, string>; sizes: Record<string, number>; attestations: ImageResult["attestations"] };

async function pushAndAttest(applier: Applier, ref: string, push: (ref: string) => Promise<string>, scans?: PlatformScan[]): Promise<PushOutcome> {
  const { client, record, plan, query } = applier;
  // Someone may have published this version since we planned: never overwrite it.
  const decision = decideBeforePush(plan, await readPublished(client, query.repository, query.immutable, query.platform));
  if (decision.kind === "refuse") throw new PublishError(decision.error);
  if (decision.kind === "done") return decision;
  const pushed = await push(ref);
  const digest = pushed.slice(pushed.indexOf("@") + 1);
  const stored = await client.manifestDigest(query.repository, query.immutable);
  if (stored !== digest) throw new PublishError(`${ref} points at ${stored}, not the ${digest} just pushed; floating tags not moved`);
  record.note({ digest });
  record.tag(plan.immutable.tag, { action: plan.immutable.action, reason: plan.immutable.reason, digest });
  const { platforms, sizes } = await publishedPlatforms(applier, digest);
  record.note({ platforms });
  // Sign, SBOMs, provenance and vulnerability reports of the pushed digest, before any floating tag moves.
  const attestations = await attestOrStop(applier, digest, platforms, scans);
  return { kind: "pushed", digest, platforms, sizes, attestations };
}

/** Moves floating tags to `digest` by re-putting that manifest's exact bytes. */
async function moveFloating(applier: Applier, tags: PlannedTag[], digest: string): Promise<void> {
  const { run, client, record, plan, query } = applier;
  const moves = tags.filter((step) => step.action !== "skip");
  if (moves.length === 0) return;
  const manifest = await client.getManifest(query.repository, digest);
  for (const step of moves) {
    await run.log.step(`${plan.image}: ${step.action} ${step.tag} → ${digest.slice(0, 19)}…`, async () => {
      const put = await client.putManifest(query.repository, step.tag, { mediaType: manifest.mediaType, bytes: manifest.bytes });
      if (put !== digest) throw new PublishError(`${plan.repository}:${step.tag} was stored as ${put}, not ${digest}`);
      record.tag(step.tag, { action: step.action, reason: step.reason, digest });
    });
  }
}

/** The pushed index's platforms: each one's manifest digest and compressed size, from one read of the index. */
async function publishedPlatforms(applier: Applier, digest: string): Promise<{ platforms: Record<string, string>; sizes: Record<string, number> }> {
  const { client, query } = applier;
  const manifests = await client.platformManifests(query.repository, digest);
  return {
    platforms: Object.fromEntries(manifests.map((manifest) => [manifest.platform, manifest.digest])),
    sizes: await client.platformSizes(query.repository, digest, manifests),
  };
}

/** Signs and attests `digest`; a failure stops the publish before floating tags move, and says so in the result. */
async function attestOrStop(applier: Applier, digest: string, platforms: Record<string, string>, scans?: PlatformScan[]): Promise<ImageResult["attestations"]> {
  const { run, config, client, pkg, record, plan } = applier;
  let attestations = await attestPublished(run, config, client, pkg, digest, platforms, applier.signing, applier.startedOn);
  if (attestations.status !== "failed") {
    try {
      const vuln = await attestPublishedVulns(run, config, client, pkg, platforms, applier.signing, scans);
      return { ...attestations, vuln };
    } catch (e) {
      const message = run.log.redact(e instanceof Error ? e.message : String(e));
      run.log.info(`✘ ${pkg.name}: attaching the vulnerability reports of ${digest} failed: ${message}`);
      attestations = { ...attestations, status: "failed", error: message };
    }
  }
  record.note({ attestations });
  throw new PublishError(
    `${pkg.name}: ${plan.repository}@${digest} is pushed but could not be signed and attested (${attestations.error}); floating tags not moved — fix the cause and re-run publish: it completes the attestations of this digest`,
  );
}

/**
 * The engine pushes X.Y.Z, retried like our own registry requests when the
 * registry fails transiently. Before each retry the tag must still be absent:
 * if it appeared, either our failed push got through or someone else pushed,
 * and we cannot tell which — stop, and a re-run skips it.
 */
function pushImmutable(applier: Applier, ref: string, containers: Container[]): Promise<string> {
  const { run, client, config, plan, query } = applier;
  return enginePush(run, config, plan.image, ref, containers, async () => {
    if (await client.manifestDigest(query.repository, query.immutable)) {
      throw new PublishError(
        `${ref} appeared in the registry after a push that failed; not pushing again (re-run: it skips ${query.immutable} and completes the floating tags)`,
      );
    }
  });
}

/**
 * The engine's push of `containers` (one per platform) to `ref`, retried
 * under the run's policy when the registry fails transiently; `beforeRetry`
 * may stop a retry (it throws). Returns `ref@digest`.
 */
export async function enginePush(
  run: RunContext,
  config: PipelineConfig,
  image: string,
  ref: string,
  containers: Container[],
  beforeRetry?: () => Promise<void>,
): Promise<string> {
  let attempts = 0;
  const result = await withRetries(
    `push ${ref}`,
    async () => {
      if (attempts++ > 0) await beforeRetry?.();
      return containers[0]!.publish(ref, { platformVariants: containers.slice(1) });
    },
    (outcome) => {
      // Our own checks between pushes fail with their own clear errors (and retry in the client already).
      if (outcome.ok || outcome.error instanceof PublishError || outcome.error instanceof RegistryError) return null;
      const reason = transientPushFailure(engineErrorSummary(outcome.error, 50, 2000));
      // A loopback registry refuses the engine by design (it dials from its own network): say so at once rather than after the retries.
      if (reason === "connection refused" && engineReachHint(config.registry)) return null;
      return reason ? { reason } : null;
    },
    { policy: config.retry, onRetry: (line) => run.log.info(line) },
  );
  if (result.outcome.ok) return result.outcome.value;
  const error = result.outcome.error;
  if (error instanceof PublishError || error instanceof RegistryError) throw error;
  throw new PublishError(`${image}: ${describePushFailure(ref, error, result.gaveUp)}`);
}
