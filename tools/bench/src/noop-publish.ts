/**
 * The cost of a publish with nothing to do, next to its floor: the Nx project
 * graph (`nx show projects`). The fixture parent and child are already
 * published in the harness registry at their version, with every floating tag
 * and this commit's inputs-digest label — seeded with our registry client
 * (tiny two-platform images) rather than built, so this part needs the
 * harness registry but not the engine. `nx run fixture-child:publish` runs
 * the parent's publish first (dependsOn ^publish): the no-op covers both
 * images' registry reads.
 */
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { loadHarnessEnv } from "@image-tooling/test-support/harness-env";
import { INPUTS_DIGEST_LABEL } from "../../../libs/pipeline/src/build/labels.ts";
import { RegistryClient } from "../../../libs/pipeline/src/registry/client.ts";
import { chainInputsDigest } from "../../../libs/pipeline/src/run/build-image-chain.ts";
import { loadWorkspace } from "../../../libs/pipeline/src/run/workspace.ts";
import { fixtureWorkspace } from "@image-tooling/test-support/fixture-workspace";
import { seedImage } from "@image-tooling/test-support/oci-image";
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

/** Publishes every fixture image at its version, labelled with this commit's inputs, as a real publish would have. */
async function seedPublished(ws: TempWorkspace, registry: string, namespace: string): Promise<void> {
  const client = new RegistryClient({ registry, plainHttp: true });
  const w = loadWorkspace(ws.root);
  for (const name of w.graph.order) {
    const pkg = w.graph.images.get(name)!;
    const repo = `${namespace}/${name}`;
    const seeded = await seedImage(client, repo, pkg.version, { labels: { [INPUTS_DIGEST_LABEL]: chainInputsDigest(w, pkg) } });
    const [major, minor] = pkg.version.split(".");
    for (const tag of [`${major}.${minor}`, major!, "latest"]) await client.putManifest(repo, tag, { mediaType: seeded.mediaType, bytes: seeded.bytes });
  }
}

export async function noopPublishTimes(runs: number): Promise<NoopPublishTimes> {
  const harness = loadHarnessEnv();
  const ws = fixtureWorkspace(harness.HARNESS_DEBIAN_BASE.split("@")[1]!);
  const namespace = `bench-${randomBytes(4).toString("hex")}`;
  const env = { IMAGE_REGISTRY: harness.HARNESS_ENGINE_REGISTRY, IMAGE_REGISTRY_PLAIN_HTTP: "true", IMAGE_NAMESPACE: namespace };
  try {
    await seedPublished(ws, harness.HARNESS_ENGINE_REGISTRY, namespace);
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
