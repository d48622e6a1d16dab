/**
 * `npm run bench -- platforms` (part of `npm run bench`): what staging each
 * platform on its own engine costs and gains (issue 22), side by side:
 *   1. `publish fixture-base fixture-child` on one engine (both platforms,
 *      arm64 under qemu) against two engines run in parallel, the harness
 *      engine staging linux/amd64 and a second engine (test-support's
 *      startSecondEngine) staging linux/arm64, then the `merge`; each
 *      measurement in a fresh namespace, both engines' caches pruned first;
 *   2. the emulation penalty: each real image's Dockerfile built for
 *      linux/arm64 (qemu) and linux/amd64 (native), with the downloads left
 *      out as packages/toolbox-base/test/dockerfile-build.e2e.test.ts builds
 *      them (lockWithoutDownloads; apt from the harness base's offline
 *      repository), cold cache, the parent pulled beforehand and not timed.
 * Needs the harness; BENCH_RUNS runs (default 3), medians.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { connection, dag, type Platform } from "@dagger.io/dagger";
import { compiledEntry } from "@image-tooling/compile";
import { fixtureWorkspace } from "@image-tooling/test-support/fixture-workspace";
import { loadHarnessEnv } from "@image-tooling/test-support/harness-env";
import { pipelineTestKeys, runPipeline } from "@image-tooling/test-support/run-pipeline";
import { startSecondEngine } from "@image-tooling/test-support/second-engine";
import type { TempWorkspace } from "@image-tooling/test-support/temp-workspace";
import { INSTALL_ROOT } from "@image-tooling/cli-support";
import { lockWithoutDownloads, NOT_BUILT_OFFLINE, WORKSPACE_GRAPH } from "@image-tooling/test-support/workspace-images";
import { pruneEngineCache, timed } from "./pipeline.ts";
import { type EmulationResult, emulationLines, engineLines, type StagedRun } from "./platforms-figures.ts";
import { benchRuns } from "./stats.ts";

const harness = loadHarnessEnv();
/** Read when a part runs, not at import: main.ts has already refused a bad BENCH_RUNS by then. */
const runs = (): number => benchRuns(process.env.BENCH_RUNS);
const FIXTURES = ["fixture-base", "fixture-child"];
const PLATFORMS = ["linux/amd64", "linux/arm64"] as Platform[];

/** Runs the pipeline CLI and returns how long it took; a failure stops the bench with its output. */
async function pipeline(ws: TempWorkspace, args: string[], env: Record<string, string | undefined>): Promise<number> {
  let output = "";
  const ms = await timed(async () => {
    const r = await runPipeline(ws, args, env);
    if (r.status !== 0) output = r.all;
  });
  if (output) throw new Error(`${args.join(" ")} (${env.IMAGE_PLATFORM ?? "all platforms"}) failed:\n${output}`);
  return ms;
}

async function enginesBench(): Promise<void> {
  console.log(`one engine vs two: publish ${FIXTURES.join(" + ")}, ${runs()} run(s), each in a fresh namespace, both engines' caches pruned first`);
  const ws = fixtureWorkspace(harness.HARNESS_DEBIAN_BASE.split("@")[1]!);
  // Outside the timings: the workspace's compile of the CLI and the signing key pair, which the first run would otherwise pay alone.
  compiledEntry(ws.root, "pipeline-cli", () => {});
  await pipelineTestKeys();
  const second = startSecondEngine();
  const pruneBoth = async () => {
    await pruneEngineCache();
    await pruneEngineCache(second.runnerHost);
  };
  const freshEnv = () => ({
    IMAGE_REGISTRY: harness.HARNESS_ENGINE_REGISTRY,
    IMAGE_REGISTRY_PLAIN_HTTP: "true",
    IMAGE_NAMESPACE: `bench-platforms-${randomBytes(4).toString("hex")}`,
    IMAGE_PLATFORM: undefined,
  });
  const one: number[] = [];
  const two: StagedRun[] = [];
  try {
    for (let i = 0; i < runs(); i++) {
      await pruneBoth();
      one.push(await pipeline(ws, ["publish", ...FIXTURES], freshEnv()));
      await pruneBoth();
      const env = freshEnv();
      const [amd64, arm64] = await Promise.all([
        pipeline(ws, ["publish", ...FIXTURES], { ...env, IMAGE_PLATFORM: "linux/amd64" }),
        pipeline(ws, ["publish", ...FIXTURES], { ...env, IMAGE_PLATFORM: "linux/arm64", _EXPERIMENTAL_DAGGER_RUNNER_HOST: second.runnerHost }),
      ]);
      two.push({ amd64: amd64!, arm64: arm64!, merge: await pipeline(ws, ["merge", ...FIXTURES], env) });
    }
  } finally {
    second.stop();
    ws.dispose();
  }
  for (const line of engineLines(one, two)) console.log(line);
  console.log(
    "  Both engines run on this machine's CPUs, and it has no arm64 CPU: the second engine's arm64 stage is emulated by qemu just as on one engine.\n" +
      "  So this figure shows what running the platforms in parallel and the merge cost or save, not the gain of a native arm64 runner:\n" +
      "  that is the emulation penalty below (item 2). Pruned: both engines' caches; kept: what lives outside them (the registry's\n" +
      "  Debian base, the host's cosign/syft/grype and offline vulnerability database).",
  );
}

async function emulationBench(): Promise<void> {
  console.log(
    `\nemulation penalty: the real Dockerfiles with the downloads left out (lock tools emptied; apt from the harness base's offline repository;\n` +
      `the harness's Debian bookworm base, not the pinned trixie), ${runs()} run(s), engine cache pruned before each build, parent pulled beforehand (not timed)`,
  );
  const results: EmulationResult[] = [];
  /** Per platform, the image each built parent was pushed as, for its children to build on. */
  const refs = new Map<string, string>();
  const nonce = randomBytes(4).toString("hex");
  for (const image of WORKSPACE_GRAPH.order) {
    const pkg = WORKSPACE_GRAPH.images.get(image)!;
    const parent = pkg.metadata.parent;
    if (image in NOT_BUILT_OFFLINE) {
      results.push({ image, notBuilt: `its Debian packages (${NOT_BUILT_OFFLINE[image]}) are not in the harness's offline apt repository (a download here)` });
      continue;
    }
    if (parent && !refs.has(`${parent} linux/amd64`)) {
      results.push({ image, notBuilt: `its parent ${parent} is not built here` });
      continue;
    }
    const times: Record<string, number[]> = { "linux/amd64": [], "linux/arm64": [] };
    const hasChildren = (WORKSPACE_GRAPH.children.get(image) ?? []).length > 0;
    for (let i = 0; i < runs(); i++) {
      for (const platform of PLATFORMS) {
        const base = parent ? refs.get(`${parent} ${platform}`)! : harness.HARNESS_DEBIAN_BASE;
        await pruneEngineCache();
        await connection(async () => {
          await dag.container({ platform }).from(base).withExec(["true"]).sync();
          const built = dag
            .host()
            .directory(join(INSTALL_ROOT, pkg.root))
            .withNewFile("tools.lock.json", lockWithoutDownloads(image))
            .dockerBuild({ platform, dockerfile: "Dockerfile", buildArgs: [{ name: "BASE_IMAGE", value: base }] });
          times[platform]!.push(await timed(() => built.sync()));
          if (hasChildren && i === 0) {
            const tag = `${platform.replace("/", "-")}-${nonce}`;
            refs.set(`${image} ${platform}`, await built.publish(`${harness.HARNESS_ENGINE_REGISTRY}/bench/platforms-${image}:${tag}`));
          }
        });
      }
    }
    results.push({ image, amd64: times["linux/amd64"]!, arm64: times["linux/arm64"]! });
    console.error(`  (built ${image})`);
  }
  for (const line of emulationLines(results)) console.log(line);
}

/** Prints both figures; `npm run bench` calls it last. */
export async function platformsBench(): Promise<void> {
  console.log(`\nplatforms benchmark: engine ${harness._EXPERIMENTAL_DAGGER_RUNNER_HOST} and a second engine started the same way\n`);
  await enginesBench();
  await emulationBench();
}
