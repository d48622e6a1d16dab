/**
 * `npm run bench:pipeline` (and the last part of `npm run bench`): the pipeline on the real engine, for the fixture
 * parent image (two platforms, arm64 under emulation). Prints
 *   - build + smoke, cold (engine cache pruned) and warm (nothing changed), and their ratio;
 *   - our build alone, cold, next to a plain Dagger `dockerBuild` of the same
 *     Dockerfile for the same two platforms, cold, each in a process of its
 *     own compiled and started the same way (plain-docker-build.ts): the
 *     pipeline's overhead.
 * Needs the harness (`npm run harness -- provision`) or another engine.
 */
import { performance } from "node:perf_hooks";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { connection, dag } from "@dagger.io/dagger";
import { bundle } from "@image-tooling/compile/compile";
import { fixtureWorkspace } from "@image-tooling/test-support/fixture-workspace";
import { loadHarnessEnv } from "@image-tooling/test-support/harness-env";
import { runPipeline } from "@image-tooling/test-support/run-pipeline";
import { INSTALL_ROOT } from "@image-tooling/cli-support";
import { benchRuns, median } from "./stats.ts";
import { formatDuration } from "@image-tooling/cli-support";

const harness = loadHarnessEnv();
const baseRef = harness.HARNESS_DEBIAN_BASE;
/** Read when a part runs, not at import: main.ts has already refused a bad BENCH_RUNS by then. */
const runs = (): number => benchRuns(process.env.BENCH_RUNS);

/** Empties an engine's cache: the harness engine's, or the one `runnerHost` (an `_EXPERIMENTAL_DAGGER_RUNNER_HOST`) names. */
export async function pruneEngineCache(runnerHost?: string): Promise<void> {
  const saved = process.env._EXPERIMENTAL_DAGGER_RUNNER_HOST;
  if (runnerHost) process.env._EXPERIMENTAL_DAGGER_RUNNER_HOST = runnerHost;
  try {
    await connection(async () => {
      await dag.engine().localCache().prune({ useDefaultPolicy: false });
    });
  } finally {
    process.env._EXPERIMENTAL_DAGGER_RUNNER_HOST = saved;
  }
}

/** plain-docker-build.ts compiled as the pipeline's CLI is (esbuild, the Dagger SDK loaded from node_modules), in its own process. */
async function plainBuild(script: string, context: string, base: string): Promise<void> {
  const r = spawnSync(process.execPath, [script, context, base], { encoding: "utf8", cwd: INSTALL_ROOT });
  if (r.status !== 0) throw new Error(`plain dockerBuild failed:\n${r.stderr}`);
}

/** How long `fn` took, in ms. */
export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** Prints the pipeline figures; `npm run bench` calls it after the graph and no-op publish figures. */
export async function pipelineBench(): Promise<void> {
  const ws = fixtureWorkspace(baseRef.split("@")[1]!, ["fixture-base"]);
  // Beside the workspace's node_modules, so the compiled script finds the SDK as the compiled CLI does.
  const plainScript = join(INSTALL_ROOT, "dist", `plain-docker-build-${process.pid}.mjs`);
  await bundle(INSTALL_ROOT, "tools/bench/src/plain-docker-build.ts", plainScript, "esm");
  const pipeline = async (verb: string) => {
    const r = await runPipeline(ws, [verb, "fixture-base"], {});
    if (r.status !== 0) throw new Error(`${verb} failed:\n${r.all}`);
  };
  try {
    console.log(`pipeline benchmark: fixture-base, linux/amd64 + linux/arm64, engine ${harness._EXPERIMENTAL_DAGGER_RUNNER_HOST}, ${runs()} runs each\n`);
    const cold: number[] = [];
    const warm: number[] = [];
    const buildCold: number[] = [];
    const plainCold: number[] = [];
    for (let i = 0; i < runs(); i++) {
      await pruneEngineCache();
      cold.push(await timed(() => pipeline("smoke")));
      warm.push(await timed(() => pipeline("smoke")));
      await pruneEngineCache();
      buildCold.push(await timed(() => pipeline("build")));
      await pruneEngineCache();
      plainCold.push(await timed(() => plainBuild(plainScript, join(ws.root, "packages/fixture-base"), baseRef)));
    }
    // Through nx, as users run it: the second run with unchanged inputs replays the passing smoke from the Nx cache.
    const nxSmoke = () => {
      const r = ws.run(process.execPath, [join(ws.root, "node_modules/nx/dist/bin/nx.js"), "run", "fixture-base:smoke"], { NX_SKIP_NX_CACHE: "false" });
      if (r.status !== 0) throw new Error(`nx run fixture-base:smoke failed:\n${r.output}`);
      return r.output;
    };
    nxSmoke();
    let replayed = "";
    const nxWarm = await timed(async () => {
      replayed = nxSmoke();
    });
    if (!/Nx read the output from the cache|\[local cache\]|existing outputs match the cache/.test(replayed))
      throw new Error(`the second smoke was not replayed from the Nx cache:\n${replayed}`);
    console.log(`build + smoke, cold (cache pruned)   median ${formatDuration(median(cold))}   [${cold.map(formatDuration).join(", ")}]`);
    console.log(`build + smoke, warm (nothing changed) median ${formatDuration(median(warm))}   [${warm.map(formatDuration).join(", ")}]`);
    console.log(`cold / warm                          ${(median(cold) / median(warm)).toFixed(1)}×  (warm = Dagger cache: nothing rebuilt, checks re-run)`);
    console.log(`nx run fixture-base:smoke, unchanged ${formatDuration(nxWarm)}  (Nx cache: replayed, no engine)`);
    console.log(`pipeline build only, cold            median ${formatDuration(median(buildCold))}   [${buildCold.map(formatDuration).join(", ")}]`);
    console.log(`plain dagger dockerBuild, cold       median ${formatDuration(median(plainCold))}   [${plainCold.map(formatDuration).join(", ")}]`);
    console.log(`pipeline build / plain dockerBuild   ${(median(buildCold) / median(plainCold)).toFixed(2)}×  (target ≤ 1.2×)`);
    console.log(
      "\n(both builds are whole processes: Node start, Dagger SDK load and session included on each side; the pipeline also reads the workspace and git and labels the image)",
    );
  } finally {
    ws.dispose();
    rmSync(plainScript, { force: true });
  }
}

// `npm run bench:pipeline` runs this file alone.
if (import.meta.url === `file://${process.argv[1]}`) await pipelineBench();
