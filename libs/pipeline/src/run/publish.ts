import type { ImagePackage } from "@image-tooling/image-metadata";
import { attestPlanLine, publishSigning } from "../attest/publish-step.ts";
import type { SigningMode } from "../attest/signing.ts";
import { repositoryRef, type PipelineConfig } from "../config/config.ts";
import { describeBase, planPublish, snapshotQuery, type PublishPlan, type SnapshotQuery } from "../plan/plan-publish.ts";
import { planLines, tagRecord } from "../plan/plan-text.ts";
import { readSnapshot } from "../plan/read-snapshot.ts";
import { RegistryClient, repositoryName } from "@image-tooling/oci-registry";
import type { ImageResult } from "../report/result.ts";
import type { RunRecord } from "../report/run-record.ts";
import { prepareDatabase } from "../scan/database.ts";
import { affectedImages } from "./affected.ts";
import { applyPlan } from "./apply-publish.ts";
import { chainInputs, type ChainInputs } from "./build-image-chain.ts";
import type { RunContext } from "../context/run-context.ts";

export { PublishError } from "./publish-error.ts";

function registryClient(config: PipelineConfig, run: RunContext): RegistryClient {
  const { registry, username, password, plainHttp, retry } = config;
  return new RegistryClient({ registry, username, password, plainHttp, retry, onRetry: (line) => run.log.info(line) });
}

interface Planned {
  plan: PublishPlan;
  query: SnapshotQuery;
  inputs: ChainInputs;
}

/** Reads the registry for `pkg` and plans its publish: the one place `plan`, `--dry-run` and publish plan, and the inputs are hashed. */
async function planImage(
  run: RunContext,
  config: PipelineConfig,
  client: RegistryClient,
  pkg: ImagePackage,
  earlier?: ReadonlyMap<string, PublishPlan>,
): Promise<Planned> {
  const parent = pkg.metadata.parent ? run.ws.graph.images.get(pkg.metadata.parent)! : undefined;
  const git = { commit: run.git.revision, branch: run.git.branch };
  const inputs = chainInputs(run.ws, pkg);
  const query = snapshotQuery(pkg, parent, git, config);
  const registry = await readSnapshot(client, query);
  return { plan: planPublish({ pkg, parent, inputs, git, target: config, registry, earlier }), query, inputs };
}

function printPlan(run: RunContext, config: PipelineConfig, pkg: ImagePackage, plan: PublishPlan): void {
  for (const line of planLines(plan, pkg.metadata.platforms, attestLine(config, pkg, plan, run.env))) run.log.info(line);
}

const attestLine = (config: PipelineConfig, pkg: ImagePackage, plan: PublishPlan, env: Record<string, string | undefined>): string =>
  attestPlanLine(pkg, plan.action.kind === "build" ? null : plan.action.digest, config, env);

/** A plan as a result (`plan`, `publish --dry-run`): nothing was done. */
export function plannedResult(
  record: RunRecord,
  config: PipelineConfig,
  pkg: ImagePackage,
  plan: PublishPlan,
  env: Record<string, string | undefined>,
): ImageResult {
  return record.finish("planned", {
    inputsDigest: plan.inputsDigest,
    base: describeBase(plan.base),
    digest: plan.action.kind === "build" ? undefined : plan.action.digest,
    tags: tagRecord([plan.immutable, ...plan.floating]),
    notice: plan.notice,
    attestations: { status: "planned", note: attestLine(config, pkg, plan, env) },
  });
}

async function preflight(run: RunContext, config: PipelineConfig, client: RegistryClient, image: string): Promise<void> {
  await run.log.step(`registry ${config.registry}: reachable${config.username ? `, credentials of ${config.username} accepted` : ""}`, () =>
    client.ping({ repository: repositoryName(config.namespace, image), push: true }),
  );
}

/** What publish, stage and merge start from: the registry reached, the signing mode settled, the image planned. */
export interface Begun extends Planned {
  client: RegistryClient;
  pkg: ImagePackage;
  startedOn: Date;
  /** Absent in a dry run, which signs nothing. */
  signing?: SigningMode;
}

/** The opening publish, stage and merge share, in this order: the registry answers, signing is configured, then the plan. */
export async function beginPublish(run: RunContext, config: PipelineConfig, image: string, dryRun: boolean, record: RunRecord): Promise<Begun> {
  const client = registryClient(config, run);
  const pkg = run.ws.graph.images.get(image)!;
  const startedOn = new Date();
  record.note({ channel: config.channel, repository: repositoryRef(config, image) });
  await preflight(run, config, client, image);
  // Asked first: a run that cannot sign must stop before it pushes anything.
  const signing = dryRun ? undefined : publishSigning(config, run.env);
  const planned = await planImage(run, config, client, pkg);
  record.note({ inputsDigest: planned.plan.inputsDigest });
  return { client, pkg, startedOn, ...(signing && { signing }), ...planned };
}

/**
 * `publish <image>`: plan from the registry, then apply the plan — skip an
 * existing immutable tag (a re-run is a no-op, but attestations and floating
 * tags an interrupted run left behind are completed); otherwise build, smoke
 * every platform, push the immutable tag, attest it, then move floating tags
 * (run/apply-publish.ts). `--dry-run` prints the plan and stops.
 */
export async function runPublishCommand(
  run: RunContext,
  config: PipelineConfig,
  image: string,
  opts: { dryRun: boolean; verbose?: boolean },
  record: RunRecord,
): Promise<ImageResult[]> {
  const { client, pkg, startedOn, signing, plan, query, inputs } = await beginPublish(run, config, image, opts.dryRun, record);

  if (opts.dryRun) {
    printPlan(run, config, pkg, plan);
    run.log.info("\n(dry run: nothing built, nothing pushed)");
    return [plannedResult(record, config, pkg, plan, run.env)];
  }
  if (plan.action.kind === "build") printPlan(run, config, pkg, plan);
  // Before any build: a missing or stale database must not cost one (prepared once per process).
  await prepareDatabase(run.vulns, run.log, run.env, { plainHttp: config.plainHttp });
  return applyPlan({ run, config, client, record, pkg, plan, query, inputs, signing: signing!, startedOn, verbose: opts.verbose });
}

/** `plan [images…] [--affected]`: every image's publish plan, parents first; reads the registry only. */
export async function runPlanCommand(
  run: RunContext,
  config: PipelineConfig,
  images: string[],
  opts: { affected: boolean; base?: string },
  record: RunRecord,
): Promise<ImageResult[]> {
  const client = registryClient(config, run);
  const wanted = new Set(
    opts.affected ? affectedImages(run.ws.root, { base: opts.base ?? "main", head: "HEAD" }, run.env) : images.length ? images : run.ws.graph.order,
  );
  // Parents first; an explicitly named child brings no ancestor along (nx does that with dependsOn).
  const order = run.ws.graph.order.filter((name) => wanted.has(name));
  if (order.length === 0) {
    run.log.info("no images to plan");
    return [];
  }
  const planned = new Map<string, PublishPlan>();
  for (const name of order) {
    const pkg = run.ws.graph.images.get(name)!;
    record.begin({ image: name, version: pkg.version, command: "plan", channel: config.channel, repository: repositoryRef(config, name) });
    if (planned.size === 0) await run.log.step(`registry ${config.registry}: reachable`, () => client.ping());
    const { plan } = await planImage(run, config, client, pkg, planned);
    planned.set(name, plan);
    printPlan(run, config, pkg, plan);
    plannedResult(record, config, pkg, plan, run.env);
  }
  return record.results();
}
