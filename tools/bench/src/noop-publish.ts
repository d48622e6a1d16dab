/**
 * The cost of a publish with nothing to do, next to its floor: the Nx project
 * graph (`nx show projects`), on the fixture parent and child already
 * published in the harness registry. `nx run fixture-child:publish` runs the
 * parent's publish first (dependsOn ^publish), so the no-op covers both
 * images' registry reads. Needs the harness: the first publish builds.
 */
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { loadHarnessEnv } from "../../airgap-engine/src/testing/harness-env.ts";
import { fixtureWorkspace } from "../../../libs/pipeline/src/testing/fixture-workspace.ts";
import type { TempWorkspace } from "../../nx-image-plugin/src/testing/temp-workspace.ts";

export interface NoopPublishTimes {
  graph: number[];
  noop: number[];
}

function timed(label: string, ws: TempWorkspace, args: string[], env: Record<string, string>): number {
  const t0 = performance.now();
  const r = ws.run(process.execPath, [`${ws.root}/node_modules/nx/dist/bin/nx.js`, ...args], env);
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${label} failed:\n${r.output}`);
  return ms;
}

export function noopPublishTimes(runs: number): NoopPublishTimes {
  const harness = loadHarnessEnv();
  const ws = fixtureWorkspace(harness.HARNESS_DEBIAN_BASE.split("@")[1]!);
  const env = { IMAGE_REGISTRY: harness.HARNESS_ENGINE_REGISTRY, IMAGE_REGISTRY_PLAIN_HTTP: "true", IMAGE_NAMESPACE: `bench-${randomBytes(4).toString("hex")}` };
  try {
    timed("first publish of fixture-base and fixture-child", ws, ["run", "fixture-child:publish", "--outputStyle=static"], env);
    const times: NoopPublishTimes = { graph: [], noop: [] };
    for (let i = 0; i < runs; i++) {
      // Interleaved, so machine load hits both alike.
      times.graph.push(timed("nx show projects", ws, ["show", "projects"], env));
      const t0 = performance.now();
      const r = ws.run(process.execPath, [`${ws.root}/node_modules/nx/dist/bin/nx.js`, "run", "fixture-child:publish", "--outputStyle=static"], env);
      times.noop.push(performance.now() - t0);
      if (r.status !== 0 || !/already published/.test(r.output)) throw new Error(`no-op publish did not skip:\n${r.output}`);
    }
    return times;
  } finally {
    ws.dispose();
  }
}
