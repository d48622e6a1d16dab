/**
 * `npm run bench`, in one run, side by side:
 *   1. how fast the Nx image graph is: on this workspace, our plugin against
 *      Nx alone with plugin isolation on and off (target ≤ 1.2× with the
 *      settings we ship) and under the daemon after an edit (≤ 1 s); on a
 *      generated workspace of 500 images in a three-level hierarchy, the same
 *      side by side (≤ 3 s cold with the settings we ship);
 *   2. a publish with nothing to do next to the graph alone (target ≤ 1.5×);
 *   3. the pipeline on the engine: warm vs cold smoke, and our build vs a plain
 *      Dagger dockerBuild of the same Dockerfile (target ≤ 1.2×);
 *   4. platforms: publish of parent + child on one engine against each
 *      platform staged on its own engine in parallel plus the merge, and the
 *      arm64-under-qemu ÷ amd64 build time of the real Dockerfiles (platforms.ts).
 * 2 to 4 need the harness (`npm run harness -- provision`); on a machine
 * shared with other engine work, run it when nothing else uses the engine,
 * or the figures measure the contention. Prints figures; asserts nothing
 * (targets live here, not in timed tests). `npm run bench -- graph` (or
 * noop, pipeline, platforms) runs only the parts named.
 */
import { performance } from "node:perf_hooks";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { TempWorkspace } from "@image-tooling/test-support/temp-workspace";
import { configLabel, daemonEditTimes, GRAPH_CONFIGS, type GraphSamples, graphPluginTimes, pluginRatio } from "./graph-plugins.ts";
import { noopPublishTimes } from "./noop-publish.ts";
import { pipelineBench } from "./pipeline.ts";
import { platformsBench } from "./platforms.ts";
import { benchRuns, median } from "./stats.ts";

/** BENCH_RUNS, or one clear line and exit 2 when it is not a whole number ≥ 1. */
function runsOrExit(): number {
  try {
    return benchRuns(process.env.BENCH_RUNS);
  } catch (e) {
    console.error(`npm run bench: ${(e as Error).message}`);
    process.exit(2);
  }
}
const RUNS = runsOrExit();
const PARTS = ["graph", "noop", "pipeline", "platforms"] as const;
type Part = (typeof PARTS)[number];

/** `npm run bench [-- graph|noop|pipeline|platforms …]`: the parts to run, all by default. */
function partsFrom(argv: string[]): Set<Part> {
  const unknown = argv.filter((a) => !(PARTS as readonly string[]).includes(a));
  if (unknown.length > 0) {
    console.error(`npm run bench: unknown part ${unknown.map((a) => JSON.stringify(a)).join(", ")}; the parts are ${PARTS.join(", ")} (none given: all)`);
    process.exit(2);
  }
  return new Set(argv.length > 0 ? (argv as Part[]) : PARTS);
}

function time(_label: string, fn: () => void): number[] {
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  return samples;
}

const fmt = (ms: number[]) =>
  `median ${(median(ms) / 1000).toFixed(2)} s  (min ${(Math.min(...ms) / 1000).toFixed(2)}, max ${(Math.max(...ms) / 1000).toFixed(2)}, n=${ms.length})`;

/** 10 roots × 7 children × 6 grandchildren = 10 + 70 + 420 = 500 images. */
function generateFamily(ws: TempWorkspace): { count: number; oneRoot: string; oneLeaf: string } {
  const digest = `sha256:${"0".repeat(64)}`;
  const add = (name: string, parent?: string) => {
    const dir = `packages/${name}`;
    ws.write(
      `${dir}/package.json`,
      JSON.stringify({ name, version: "1.0.0", private: true, ...(parent ? { dependencies: { [parent]: "1.0.0" } } : {}) }, null, 2),
    );
    ws.write(
      `${dir}/image.yaml`,
      `name: ${name}\ndescription: generated\nplatforms: [linux/amd64, linux/arm64]\n${parent ? `parent: ${parent}\n` : `base:\n  image: docker.io/library/debian:bookworm-slim\n  digest: ${digest}\n`}`,
    );
    ws.write(`${dir}/Dockerfile`, "ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nRUN true\n");
    ws.write(`${dir}/smoke.yaml`, 'checks:\n  - name: true runs\n    run: ["true"]\n');
    ws.write(`${dir}/.dockerignore`, "README.md\nsmoke.yaml\n");
  };
  let count = 0;
  for (let r = 0; r < 10; r++) {
    add(`root-${r}`);
    count++;
    for (let c = 0; c < 7; c++) {
      add(`mid-${r}-${c}`, `root-${r}`);
      count++;
      for (let g = 0; g < 6; g++) {
        add(`leaf-${r}-${c}-${g}`, `mid-${r}-${c}`);
        count++;
      }
    }
  }
  return { count, oneRoot: "root-3", oneLeaf: "leaf-3-2-1" };
}

/** One row per configuration, cold and warm, then ours ÷ Nx alone with isolation off (shipped) and on. */
function printPluginTable(samples: GraphSamples, target = ""): void {
  for (const c of GRAPH_CONFIGS) {
    const s = samples.get(c)!;
    console.log(`  ${configLabel(c).padEnd(42)} cold ${fmt(s.cold)}`);
    console.log(`  ${"".padEnd(42)} warm ${fmt(s.warm)}`);
  }
  const ratios = (isolate: boolean) => `warm ${pluginRatio(samples, isolate, "warm").toFixed(2)}×, cold ${pluginRatio(samples, isolate, "cold").toFixed(2)}×`;
  console.log(`  ours ÷ Nx alone, isolation off (shipped, .env): ${ratios(false)}  ${target}`.trimEnd());
  console.log(`  ours ÷ Nx alone, isolation on:                  ${ratios(true)}`);
}

async function main(parts: Set<Part>): Promise<void> {
  if (parts.has("graph")) await graphBench();
  if (parts.has("noop")) await noopBench();
  if (parts.has("pipeline")) await pipelineBench();
  if (parts.has("platforms")) await platformsBench();
}

async function graphBench(): Promise<void> {
  console.log(`Nx project-graph benchmark (NX_DAEMON=false, ${RUNS} runs each; cold = .nx cache removed)\n`);

  const here = TempWorkspace.create();
  try {
    const images = readdirSync(join(here.root, "packages")).filter((d) => existsSync(join(here.root, "packages", d, "image.yaml"))).length;
    console.log(`this workspace (${images} images + libs/tools), nx show projects; our plugin against Nx alone, plugin isolation on and off:`);
    printPluginTable(graphPluginTimes(here, RUNS, "toolbox-base"), "(target ≤ 1.2×)");
    console.log(`  daemon: nx show projects right after editing one image.yaml  ${fmt(daemonEditTimes(here, RUNS, "tooling-k8s"))}  (target ≤ 1 s)`);
  } finally {
    here.dispose();
  }

  const big = TempWorkspace.create({ withPackages: false });
  try {
    const t0 = performance.now();
    const family = generateFamily(big);
    big.commitAll("500 generated images");
    console.log(`\ngenerated workspace: ${family.count} images, three levels (generated + committed in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    console.log("  nx show projects; our plugin against Nx alone (500 package.json projects), plugin isolation on and off:");
    const samples = graphPluginTimes(big, RUNS, family.oneRoot);
    printPluginTable(samples);
    const shipped = samples.get(GRAPH_CONFIGS.find((c) => c.plugins === "ours" && !c.isolate)!)!;
    console.log(`  project graph with the settings we ship: cold ${fmt(shipped.cold)}  (target ≤ 3 s)`);

    for (const [label, image, expected] of [
      ["root image Dockerfile (affects 1 + 7 + 42)", family.oneRoot, 50],
      ["leaf image Dockerfile (affects 1)", family.oneLeaf, 1],
    ] as const) {
      big.git("checkout", "-q", "-B", `bench-${image}`, "main");
      big.append(`packages/${image}/Dockerfile`, "RUN echo changed\n");
      big.commitAll(`change ${image}`);
      let affected: string[] = [];
      const samples = time(label, () => {
        affected = big.affected("main", "HEAD", "publish");
      });
      if (affected.length !== expected) throw new Error(`expected ${expected} affected projects for ${image}, got ${affected.length}`);
      console.log(`  nx affected -t publish after one-file change, ${label}: ${fmt(samples)}`);
    }
  } finally {
    big.dispose();
  }
}

async function noopBench(): Promise<void> {
  console.log("\nno-op publish: fixture-base + fixture-child already published in the harness registry");
  const noop = await noopPublishTimes(RUNS);
  console.log(`  nx show projects (the floor)             ${fmt(noop.graph)}`);
  console.log(`  nx run fixture-child:publish, nothing to do ${fmt(noop.noop)}`);
  console.log(`  no-op publish / graph                    ${(median(noop.noop) / median(noop.graph)).toFixed(2)}×  (target ≤ 1.5×)\n`);
}

await main(partsFrom(process.argv.slice(2)));
