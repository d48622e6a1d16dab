import { commandWorkspace } from "@image-tooling/cli-support";
import { AttestError } from "../attest/errors.ts";
import { rescanSigning } from "../attest/publish-step.ts";
import { failedAncestor, ImageMetadataError } from "@image-tooling/image-metadata";
import { hasConfig, loadConfig, loadVulnConfig } from "../config/load-config.ts";
import { ScanError, VulnDbError } from "../scan/errors.ts";
import { readVex, VulnGateError } from "../scan/gate-step.ts";
import { rescanImage, writeRescanSummary } from "../scan/rescan.ts";
import type { RescanResult } from "../scan/rescan-report.ts";
import { InvalidReferenceError, RegistryClient, RegistryError } from "@image-tooling/oci-registry";
import { prepareDatabase } from "../scan/database.ts";
import { VexError } from "../scan/vex.ts";
import { DEFAULT_EPHEMERAL_REGISTRY_IMAGE, type PipelineConfig } from "../config/config.ts";
import { EngineUnavailableError } from "../dagger/session.ts";
import { RunRegistryError } from "../build/ephemeral-registry.ts";
import { BuildFailedError } from "../build/build-error.ts";
import { adoptHarnessEngine } from "../dagger/engine-env.ts";
import { readGitInfo } from "../git/git-info.ts";
import { DEFAULT_HEARTBEAT_MS, heartbeatMs, Logger } from "../log/logger.ts";
import { RunRecord } from "../report/run-record.ts";
import type { ImageResult } from "../report/result.ts";
import { RunReporter } from "../report/reporter.ts";
import { ParentFailedError, runBuildOrSmoke, SmokeFailedError } from "../run/build-session.ts";
import type { RunContext } from "../context/run-context.ts";
import { SizeBudgetError } from "../smoke/size-budget.ts";
import { runLoadCommand } from "../load/load-image.ts";
import { LoadError } from "../load/load-plan.ts";
import { runDiffCommand } from "../changes/diff-command.ts";
import { ChangesError } from "../changes/read-version.ts";
import { runPlanCommand, runPublishCommand, PublishError } from "../run/publish.ts";
import { runMergeCommand } from "../stage/merge-command.ts";
import { runStageCommand } from "../stage/stage-command.ts";
import { SUPPORTED_PLATFORMS, type Platform } from "@image-tooling/image-metadata";
import { imageOrThrow, loadWorkspace, UsageError, type Workspace } from "../context/workspace.ts";

export interface CliOptions {
  command: string;
  images: string[];
  dryRun: boolean;
  channel?: string;
  branch?: string;
  affected: boolean;
  base?: string;
  json: boolean;
  verbose: boolean;
  /** build, smoke, publish: only this platform (publish then stages it for merge); load: the platform to load (default: the Docker daemon's). */
  platform?: string;
  /** diff: a cosign public key whose SBOMs count. */
  key?: string;
  root?: string;
}

/** What a caller in the same process learns as each image finishes (the Nx executor's per-task results). */
export type ImageReport = Pick<ImageResult, "image" | "command" | "status">;

const KNOWN = ["build", "smoke", "publish", "merge", "plan", "rescan", "load", "diff"];
/** The commands a platform selection (--platform, IMAGE_PLATFORM) applies to. */
const PER_PLATFORM = ["build", "smoke", "publish", "load"];
const EXPECTED_ERRORS = [
  AttestError,
  ImageMetadataError,
  RegistryError,
  InvalidReferenceError,
  SmokeFailedError,
  SizeBudgetError,
  EngineUnavailableError,
  PublishError,
  BuildFailedError,
  UsageError,
  RunRegistryError,
  ParentFailedError,
  LoadError,
  ChangesError,
  VulnGateError,
  VulnDbError,
  VexError,
  ScanError,
];

/**
 * Runs one command; returns the exit code. Expected failures print one clear
 * message, never a stack. build, smoke and publish take one or more images
 * and run them parents first in one process (one workspace read, one Dagger
 * SDK load): an image that fails does not stop its siblings, only its
 * descendants. Each image's result file is written, and `onImage` told, as
 * soon as the image is done.
 */
export async function runCli(
  opts: CliOptions,
  /** The process environment as runArgv's caller read it (the program's own, or the Nx executor's): everything below gets it from here. */
  env: Record<string, string | undefined>,
  onImage?: (report: ImageReport) => void,
): Promise<number> {
  const root = opts.root ?? commandWorkspace(env, process.cwd());
  const heartbeat = heartbeatMs(env);
  const log = new Logger(process.stderr, typeof heartbeat === "number" ? heartbeat : DEFAULT_HEARTBEAT_MS);
  if (typeof heartbeat === "string") {
    log.info(heartbeat);
    return 2;
  }
  if (!KNOWN.includes(opts.command)) {
    log.info(`unknown command "${opts.command}": use one of ${KNOWN.join(", ")} (--help for usage)`);
    return 2;
  }
  if (opts.command === "diff") return runDiff(opts, root, env, log);
  if (opts.key !== undefined) {
    log.info(`--key is for diff only (${opts.command} signs, or trusts, as configured: --help)`);
    return 2;
  }
  // The flag wins over the environment (how Nx hands a platform to every task of `nx affected`).
  const platformFrom = opts.platform !== undefined ? "--platform" : env.IMAGE_PLATFORM ? "IMAGE_PLATFORM" : undefined;
  const platform = opts.platform ?? (env.IMAGE_PLATFORM || undefined);
  if (platformFrom && !PER_PLATFORM.includes(opts.command)) {
    if (opts.command === "merge") {
      log.info(
        `${platformFrom} is ${platform}, but merge assembles every platform of each image: unset it for merge (it is for build, smoke, publish and load)`,
      );
      return 2;
    }
    if (platformFrom === "--platform") {
      log.info(`--platform is for build, smoke, publish and load (${opts.command} reads every platform)`);
      return 2;
    }
  }
  // load names the image in its own message (load-plan.ts: it also checks the Docker daemon's platform).
  if (
    platform !== undefined &&
    PER_PLATFORM.includes(opts.command) &&
    opts.command !== "load" &&
    !(SUPPORTED_PLATFORMS as readonly string[]).includes(platform)
  ) {
    log.info(`${platformFrom} is "${platform}", which no image is built for: use ${SUPPORTED_PLATFORMS.join(" or ")}`);
    return 2;
  }
  const selected = PER_PLATFORM.includes(opts.command) ? (platform as Platform | undefined) : undefined;
  if (opts.command !== "plan" && opts.command !== "rescan" && opts.images.length === 0) {
    log.info(`${opts.command} takes one or more images, e.g. \`${opts.command} tooling-k8s\``);
    return 2;
  }
  // Redacted on the raw strings before any result file, summary or report is written.
  const reporter = new RunReporter(root, log, (r) => onImage?.({ image: r.image, command: r.command, status: r.status }));
  const done = reporter.results;
  const complete = (results: ImageResult[]): ImageResult[] => reporter.complete(results);
  let anyFailed = false;
  // One line in the form every failure has had since single-image runs: `✘ <command> failed: <image>: …`.
  /** Says a failure once (an unexpected one with its stack) and returns the message the result files record. */
  const sayFailure = (image: string | undefined, e: unknown): string => {
    anyFailed = true;
    const known = EXPECTED_ERRORS.some((k) => e instanceof k);
    const message = known ? (e as Error).message : String(e);
    const detail = known ? message : ((e as Error).stack ?? String(e));
    log.info(`\n✘ ${opts.command} failed: ${image && !detail.startsWith(`${image}:`) ? `${image}: ` : ""}${detail}`);
    return message;
  };
  const fail = (image: string | undefined, record: RunRecord, e: unknown) =>
    complete(
      record.failed(
        sayFailure(image, e),
        e instanceof SmokeFailedError ? { checks: e.results } : e instanceof VulnGateError ? { vulnerabilities: e.report } : {},
      ),
    );
  // plan's record (publish, build and smoke keep one per image).
  const setup = new RunRecord();
  try {
    const ws = loadWorkspace(root);
    for (const image of opts.images) imageOrThrow(ws, image);
    // Parents first, whatever order the images were named in.
    const images =
      opts.command === "plan"
        ? opts.images
        : ws.graph.order.filter((name) => (opts.command === "rescan" && opts.images.length === 0) || opts.images.includes(name));

    // publish and plan need a target registry; build and smoke use one only
    // to name parents in labels, and run without any configuration.
    const needsRegistry = ["publish", "merge", "plan", "rescan"].includes(opts.command);
    const config: PipelineConfig | undefined =
      needsRegistry || hasConfig(root, env) ? loadConfig(root, env, { channel: opts.channel, branch: opts.branch }) : undefined;
    log.addSecret(config?.password);
    const git = readGitInfo(root);
    // merge builds nothing: it reads, puts an index and signs.
    if (!["plan", "rescan", "merge"].includes(opts.command) && !opts.dryRun) {
      const harnessEnv = adoptHarnessEngine(env);
      if (harnessEnv) log.info(`using the air-gapped Dagger engine described in ${harnessEnv}`);
    }
    const run: RunContext = {
      ws,
      git,
      log,
      config,
      ephemeralRegistryImage: config?.ephemeralRegistryImage ?? env.IMAGE_EPHEMERAL_REGISTRY_IMAGE ?? DEFAULT_EPHEMERAL_REGISTRY_IMAGE,
      vulns: config?.vulnerabilities ?? loadVulnConfig(root, env),
      env,
    };

    // Checked before anything is built: a bad OpenVEX file or a missing or stale database stops here, not after the build.
    // (publish prepares its database after the registry answers: see runPublishCommand.)
    if ((opts.command === "smoke" || opts.command === "publish") && !opts.dryRun) {
      for (const image of images) readVex(root, ws.graph.images.get(image)!);
      if (opts.command === "smoke") await prepareDatabase(run.vulns, log, run.env);
    }

    switch (opts.command) {
      case "build":
      case "smoke": {
        const command = opts.command;
        const records = new Map(images.map((image) => [image, recordFor(ws, image, command)]));
        await runBuildOrSmoke(
          run,
          command,
          images,
          (outcome) => {
            if ("result" in outcome) complete([outcome.result]);
            else fail(outcome.image, records.get(outcome.image)!, outcome.error);
          },
          { verbose: opts.verbose, platform: selected },
        );
        break;
      }
      case "load": {
        const records = new Map(images.map((image) => [image, recordFor(ws, image, "load")]));
        await runLoadCommand(run, images, { platform, verbose: opts.verbose }, (outcome) => {
          if ("result" in outcome) complete([outcome.result]);
          else fail(outcome.image, records.get(outcome.image)!, outcome.error);
        });
        break;
      }
      case "publish":
      case "merge": {
        const command = opts.command;
        const failed = new Set<string>();
        for (const image of images) {
          const record = recordFor(ws, image, command);
          const blockedBy = failedAncestor(ws.graph.images, image, failed);
          const o = { dryRun: opts.dryRun, verbose: opts.verbose };
          try {
            if (blockedBy)
              throw new ParentFailedError(`${image}: not ${command === "merge" ? "merged" : "published"}: its parent ${blockedBy} failed in this run`);
            complete(
              await (command === "merge"
                ? runMergeCommand(run, config!, image, o, record)
                : selected
                  ? runStageCommand(run, config!, image, selected, o, record)
                  : runPublishCommand(run, config!, image, o, record)),
            );
          } catch (e) {
            failed.add(image);
            fail(image, record, e);
          }
        }
        break;
      }
      case "rescan": {
        // Reads the registry and scans; builds, pushes and attests nothing. Findings are news, not a failure.
        const client = new RegistryClient({ ...config!, onRetry: (line) => log.info(line) });
        const releaseSigner = rescanSigning(config!, env);
        const results: RescanResult[] = [];
        for (const image of images) {
          try {
            const r = await rescanImage(run, config!, client, image, releaseSigner);
            if (r) results.push(r);
          } catch (e) {
            sayFailure(image, e);
          }
        }
        writeRescanSummary(results, env);
        return anyFailed ? 1 : 0;
      }
      case "plan": {
        const results = complete(await runPlanCommand(run, config!, images, { affected: opts.affected, base: opts.base }, setup));
        if (opts.json) process.stdout.write(`${JSON.stringify(planJson(results), null, 2)}\n`);
        break;
      }
    }
  } catch (e) {
    // Stopped outside any one image's work (workspace, configuration, engine, plan): every named image not yet done failed with it.
    if (opts.command === "plan") fail(undefined, setup, e);
    else {
      const message = sayFailure(undefined, e);
      for (const image of opts.images.filter((name) => !done.some((r) => r.image === name))) {
        const record = new RunRecord();
        record.begin({ image, version: "", command: opts.command as ImageResult["command"] });
        complete(record.failed(message));
      }
    }
  }
  // Which steps a flaky network cost a retry, once for the run (each retry was announced as it happened).
  const retried = log.retries.summary();
  if (retried) log.info(retried);
  reporter.finish(env);
  return anyFailed || done.some((r) => r.status === "failed") ? 1 : 0;
}

/** `diff <image> <versionA> <versionB>`: reads the registry, writes no result file; one clear line when it cannot. */
async function runDiff(opts: CliOptions, root: string, env: Record<string, string | undefined>, log: Logger): Promise<number> {
  try {
    const ws = loadWorkspace(root);
    const config = loadConfig(root, env);
    log.addSecret(config.password);
    await runDiffCommand({ positionals: opts.images, key: opts.key, json: opts.json }, { ws, config, log, env });
    return 0;
  } catch (e) {
    const known = EXPECTED_ERRORS.some((k) => e instanceof k);
    log.info(`✘ diff failed: ${known ? (e as Error).message : ((e as Error).stack ?? String(e))}`);
    return 1;
  }
}

function recordFor(ws: Workspace, image: string, command: ImageResult["command"]): RunRecord {
  const record = new RunRecord();
  record.begin({ image, version: imageOrThrow(ws, image).version, command });
  return record;
}

/** The plan as other tools read it: images in publish order, each with its tags as a list. */
function planJson(results: ImageResult[]) {
  return {
    images: results.map((r) => ({
      image: r.image,
      version: r.version,
      repository: r.repository,
      channel: r.channel,
      base: r.base,
      tags: Object.entries(r.tags ?? {}).map(([tag, t]) => ({ tag, action: t.action, reason: t.reason })),
      ...(r.notice && { notice: r.notice }),
    })),
  };
}
