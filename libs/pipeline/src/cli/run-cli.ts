import { AttestError } from "../attest/errors.ts";
import { ImageMetadataError } from "@image-tooling/image-metadata";
import { hasConfig, loadConfig } from "../config/load-config.ts";
import { DEFAULT_EPHEMERAL_REGISTRY_IMAGE, type PipelineConfig } from "../config/config.ts";
import { EngineUnavailableError } from "../dagger/session.ts";
import { RunRegistryError } from "../dagger/ephemeral-registry.ts";
import { BuildFailedError } from "../build/build-error.ts";
import { adoptHarnessEngine } from "../dagger/engine-env.ts";
import { readGitInfo } from "../git/git-info.ts";
import { Logger } from "../report/logger.ts";
import { RunRecord } from "../report/run-record.ts";
import { summaryTable, writeResult, writeStepSummary, type ImageResult } from "../report/result.ts";
import { InvalidReferenceError, RegistryError } from "../registry/errors.ts";
import { runBuildCommand, runSmokeCommand, SmokeFailedError, type LocalRun } from "../run/local.ts";
import { SizeBudgetError } from "../smoke/size-budget.ts";
import { runPlanCommand, runPublishCommand, PublishError } from "../run/publish.ts";
import { imageOrThrow, loadWorkspace, UsageError } from "../run/workspace.ts";

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
  root?: string;
}

const KNOWN = ["build", "smoke", "publish", "plan"];
const EXPECTED_ERRORS = [AttestError, ImageMetadataError, RegistryError, InvalidReferenceError, SmokeFailedError, SizeBudgetError, EngineUnavailableError, PublishError, BuildFailedError, UsageError, RunRegistryError];

/** Runs one command; returns the exit code. Expected failures print one clear message, never a stack. */
export async function runCli(opts: CliOptions, env: Record<string, string | undefined> = process.env): Promise<number> {
  const root = opts.root ?? env.NX_WORKSPACE_ROOT ?? process.cwd();
  const log = new Logger();
  if (!KNOWN.includes(opts.command)) {
    log.info(`unknown command "${opts.command}": use one of ${KNOWN.join(", ")} (--help for usage)`);
    return 2;
  }
  if (opts.command !== "plan" && opts.images.length !== 1) {
    log.info(`${opts.command} takes exactly one image, e.g. \`${opts.command} tooling-k8s\``);
    return 2;
  }
  let results: ImageResult[] = [];
  // What the run has done so far: a failure still leaves a result file per image it touched.
  const record = new RunRecord();
  try {
    const ws = loadWorkspace(root);
    for (const image of opts.images) imageOrThrow(ws, image);
    if (opts.command !== "plan") {
      const pkg = imageOrThrow(ws, opts.images[0]!);
      record.begin({ image: pkg.name, version: pkg.version, command: opts.command as ImageResult["command"] });
    }

    // publish and plan need a target registry; build and smoke use one only
    // to name parents in labels, and run without any configuration.
    const needsRegistry = opts.command === "publish" || opts.command === "plan";
    const config: PipelineConfig | undefined =
      needsRegistry || hasConfig(root, env) ? loadConfig(root, env, { channel: opts.channel, branch: opts.branch }) : undefined;
    log.addSecret(config?.password);
    const git = readGitInfo(root);
    if (opts.command !== "plan" && !opts.dryRun) {
      const harnessEnv = adoptHarnessEngine(env);
      if (harnessEnv) log.info(`using the air-gapped Dagger engine described in ${harnessEnv}`);
    }
    const run: LocalRun = { ws, git, log, config, ephemeralRegistryImage: config?.ephemeralRegistryImage ?? env.IMAGE_EPHEMERAL_REGISTRY_IMAGE ?? DEFAULT_EPHEMERAL_REGISTRY_IMAGE };

    switch (opts.command) {
      case "build":
        results = [await runBuildCommand(run, opts.images[0]!, opts)];
        break;
      case "smoke":
        results = [await runSmokeCommand(run, opts.images[0]!, opts)];
        break;
      case "publish":
        results = await runPublishCommand(run, config!, opts.images[0]!, { dryRun: opts.dryRun, verbose: opts.verbose }, record);
        break;
      case "plan": {
        results = await runPlanCommand(run, config!, opts.images, { affected: opts.affected, base: opts.base }, record);
        if (opts.json) process.stdout.write(`${JSON.stringify(planJson(results), null, 2)}\n`);
        break;
      }
    }
  } catch (e) {
    const known = EXPECTED_ERRORS.some((k) => e instanceof k);
    const message = known ? (e as Error).message : String(e);
    results = record.failed(message, e instanceof SmokeFailedError ? { checks: e.results } : {});
    log.info(`\n✘ ${opts.command} failed: ${known ? message : ((e as Error).stack ?? String(e))}`);
    finish(root, results, log, env);
    return 1;
  }
  finish(root, results, log, env);
  return 0;
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

function finish(root: string, results: ImageResult[], log: Logger, env: Record<string, string | undefined>): void {
  if (results.length === 0) return;
  for (const r of results) writeResult(root, JSON.parse(log.redact(JSON.stringify(r))) as ImageResult);
  log.info(`\n${summaryTable(results)}`);
  writeStepSummary(results, env);
}
