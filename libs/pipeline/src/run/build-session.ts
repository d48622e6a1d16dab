import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { failedAncestor, type ImagePackage, type Platform } from "@image-tooling/image-metadata";
import { repositoryRef } from "../config/config.ts";
import { scanAndGate } from "../scan/gate-step.ts";
import { EphemeralRegistry } from "../build/ephemeral-registry.ts";
import { withDaggerSession } from "../dagger/session.ts";
import type { ImageResult } from "../report/result.ts";
import { formatBytes } from "../log/size.ts";
import type { ImageLayerCompression } from "@dagger.io/dagger";
import { formatFailures, runSmoke, type CheckResult } from "../smoke/run-smoke.ts";
import { overBudget, SizeBudgetError } from "../smoke/size-budget.ts";
import { buildImage, ephemeralParents, type BuildContext } from "./build-image-chain.ts";
import type { BuiltImage } from "../build/built-image.ts";
import { imageOrThrow, notBuiltFor, readSmokeSpec } from "../context/workspace.ts";
import type { RunContext } from "../context/run-context.ts";

export class SmokeFailedError extends Error {
  constructor(
    readonly image: string,
    readonly version: string,
    readonly results: CheckResult[],
  ) {
    const failed = results.filter((r) => !r.ok);
    super(`${image}: ${failed.length} of ${results.length} smoke checks failed\n${formatFailures(results)}`);
  }
}

/**
 * Runs fn inside one Dagger session with a build context whose parents travel
 * through an ephemeral registry that lives as long as the session. Within the
 * session each image is built at most once, however many of the run's images
 * share it as an ancestor.
 */
export async function withBuildSession<T>(
  run: RunContext,
  fn: (ctx: BuildContext, build: (image: string) => Promise<BuiltImage>) => Promise<T>,
  opts: { verbose?: boolean; platforms?: readonly Platform[] } = {},
): Promise<T> {
  return withDaggerSession(
    run.log,
    async () => {
      const ctx: BuildContext = {
        ws: run.ws,
        git: run.git,
        log: run.log,
        source: run.config?.source ?? run.git.remoteUrl,
        ...(run.config && { retry: run.config.retry }),
        platforms: opts.platforms,
        env: run.env,
      };
      let registry: Promise<EphemeralRegistry> | undefined;
      const getRegistry = () => (registry ??= run.log.step("start the run's ephemeral registry", () => EphemeralRegistry.start(run.ephemeralRegistryImage)));
      const published = (image: string) => (run.config ? repositoryRef(run.config, image) : image);
      const builds = new Map<string, Promise<BuiltImage>>();
      const build = (pkg: ImagePackage): Promise<BuiltImage> => {
        let b = builds.get(pkg.name);
        if (!b) {
          b = buildImage(ctx, pkg, parents);
          builds.set(pkg.name, b);
        }
        return b;
      };
      const parents = ephemeralParents(ctx, getRegistry, published, build);
      try {
        return await fn(ctx, (image) => build(imageOrThrow(run.ws, image)));
      } finally {
        if (registry) await (await registry).stop().catch(() => undefined);
      }
    },
    { ...opts, env: run.env },
  );
}

/** Smoke-tests every platform concurrently; throws SmokeFailedError naming each failed check. */
export async function smokeBuilt(run: RunContext, built: BuiltImage): Promise<CheckResult[]> {
  const spec = readSmokeSpec(run.ws, built.pkg);
  const perPlatform = await Promise.all(
    [...built.containers].map(([platform, ctr]) =>
      run.log.step(`${built.pkg.name}: smoke ${platform} (${spec.checks.length} checks)`, () => runSmoke(built.pkg.name, platform as Platform, ctr, spec)),
    ),
  );
  const results = perPlatform.flat();
  for (const r of results) run.log.info(`  ${r.ok ? "✔" : "✘"} [${r.platform}] ${r.check}`);
  if (results.some((r) => !r.ok)) throw new SmokeFailedError(built.pkg.name, built.pkg.version, results);
  await enforceSizeBudget(run, built);
  return results;
}

/**
 * image.yaml's budget.compressedSize, checked in smoke and so in publish
 * before anything is pushed. A platform's compressed size is measured in the
 * engine as its gzip OCI tarball (the layers a push uploads, plus a few kB of
 * config and manifest); nothing is exported to this machine. Skipped, at no
 * cost, when no budget is set.
 */
async function enforceSizeBudget(run: RunContext, built: BuiltImage): Promise<void> {
  const budget = built.pkg.metadata.budget?.compressedSize;
  if (budget === undefined) return;
  const sizes = Object.fromEntries(
    await Promise.all(
      [...built.containers].map(
        async ([platform, ctr]) => [platform, await ctr.asTarball({ forcedCompression: "Gzip" as ImageLayerCompression }).size()] as const,
      ),
    ),
  );
  const over = overBudget(built.pkg.name, built.pkg.files.metadata, sizes, budget);
  for (const [platform, bytes] of Object.entries(sizes))
    run.log.info(`  ${bytes > budget ? "✘" : "✔"} [${platform}] compressed size ${formatBytes(bytes)} (budget ${formatBytes(budget)})`);
  if (over.length) throw new SizeBudgetError(over.join("\n"));
}

export function writeBuildRecord(root: string, built: BuiltImage): void {
  const dir = join(root, "dist", "images", built.pkg.name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "build.json"),
    `${JSON.stringify({ image: built.pkg.name, version: built.pkg.version, platforms: [...built.containers.keys()], base: built.baseRef, inputsDigest: built.inputsDigest, labels: built.labels }, null, 2)}\n`,
  );
}

/** What a local command did for one image: its result, or the error that stopped it (the run goes on with the next image). */
export type ImageOutcome = { image: string; result: ImageResult } | { image: string; error: unknown };

/**
 * `build` / `smoke` of one or more images in one Dagger session, parents
 * first: a parent shared by several of them is built once. An image that
 * fails does not stop the others; when its build failed, its descendants in
 * the run are not attempted (their outcome says why). `onOutcome` hears about each image
 * as soon as it is done.
 */
export async function runBuildOrSmoke(
  run: RunContext,
  command: "build" | "smoke",
  images: string[],
  onOutcome: (outcome: ImageOutcome) => void,
  opts: { verbose?: boolean; platform?: Platform } = {},
): Promise<void> {
  // Only a failed build stops descendants (they build on it); a parent whose smoke fails still leaves its children testable.
  const unbuilt = new Set<string>();
  await withBuildSession(
    run,
    async (_ctx, build) => {
      for (const image of images) {
        const t0 = Date.now();
        const pkg = imageOrThrow(run.ws, image);
        const absent = opts.platform && notBuiltFor(pkg, opts.platform);
        if (absent) {
          const notice = `${absent}: skipped`;
          run.log.info(notice);
          onOutcome({ image, result: { image, version: pkg.version, command, status: "skipped", notice, durationMs: 0 } });
          continue;
        }
        const blockedBy = failedAncestor(run.ws.graph.images, image, unbuilt);
        if (blockedBy) {
          unbuilt.add(image);
          onOutcome({
            image,
            error: new ParentFailedError(
              `${image}: not ${command === "build" ? "built" : "smoke-tested"}: its parent ${blockedBy} failed to build in this run`,
            ),
          });
          continue;
        }
        let built: BuiltImage;
        try {
          built = await build(image);
        } catch (error) {
          unbuilt.add(image);
          onOutcome({ image, error });
          continue;
        }
        try {
          const done = { image, version: built.pkg.version, command, base: built.baseRef, inputsDigest: built.inputsDigest };
          if (command === "build") {
            writeBuildRecord(run.ws.root, built);
            onOutcome({ image, result: { ...done, status: "built", durationMs: Date.now() - t0 } });
          } else {
            const checks = await smokeBuilt(run, built);
            const { report } = await scanAndGate(run, built);
            onOutcome({ image, result: { ...done, status: "passed", checks, vulnerabilities: report, durationMs: Date.now() - t0 } });
          }
        } catch (error) {
          onOutcome({ image, error });
        }
      }
    },
    { verbose: opts.verbose, ...(opts.platform && { platforms: [opts.platform] }) },
  );
}

/** An image of the run that was not attempted because an ancestor failed earlier in the same run. */
export class ParentFailedError extends Error {}
