/**
 * The cost of a publish with nothing to do, next to its floor: the Nx project
 * graph (`nx show projects`). The fixture parent and child are first published
 * for real into the harness registry (built, smoke-tested, signed, with SBOMs
 * and provenance, every floating tag), so the runs measured afterwards find
 * everything in place, as a merge that releases nothing does.
 * `nx run fixture-child:publish` runs the parent's publish first (dependsOn
 * ^publish): the no-op covers both images' registry reads.
 */
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { testKeyPair } from "@image-tooling/test-support/cosign-keys";
import { fixtureWorkspace } from "@image-tooling/test-support/fixture-workspace";
import { loadHarnessEnv } from "@image-tooling/test-support/harness-env";
import type { TempWorkspace } from "@image-tooling/test-support/temp-workspace";

export interface NoopPublishTimes {
  graph: number[];
  noop: number[];
}

function nx(ws: TempWorkspace, args: string[], env: Record<string, string>): { ms: number; output: string } {
  const t0 = performance.now();
  const r = ws.run(process.execPath, [`${ws.root}/node_modules/nx/dist/bin/nx.js`, ...args], env);
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`nx ${args.join(" ")} failed:\n${r.output}`);
  return { ms, output: r.output };
}

export async function noopPublishTimes(runs: number): Promise<NoopPublishTimes> {
  const harness = loadHarnessEnv();
  const ws = fixtureWorkspace(harness.HARNESS_DEBIAN_BASE.split("@")[1]!);
  const namespace = `bench-${randomBytes(4).toString("hex")}`;
  const keys = await testKeyPair();
  const env = { IMAGE_REGISTRY: harness.HARNESS_ENGINE_REGISTRY, IMAGE_REGISTRY_PLAIN_HTTP: "true", IMAGE_NAMESPACE: namespace, ...keys.env };
  try {
    const first = nx(ws, ["run", "fixture-child:publish", "--outputStyle=static"], env);
    console.log(`  (first publish of both images, for real: ${(first.ms / 1000).toFixed(1)} s)`);
    const times: NoopPublishTimes = { graph: [], noop: [] };
    for (let i = 0; i < runs; i++) {
      // Interleaved, so machine load hits both alike.
      times.graph.push(nx(ws, ["show", "projects"], env).ms);
      const noop = nx(ws, ["run", "fixture-child:publish", "--outputStyle=static"], env);
      if ((noop.output.match(/already published/g) ?? []).length < 2) throw new Error(`the no-op publish did not skip both images:\n${noop.output}`);
      times.noop.push(noop.ms);
    }
    return times;
  } finally {
    ws.dispose();
  }
}
