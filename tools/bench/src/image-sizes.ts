/**
 * `npm run bench:image-sizes [-- <workspace root>]`: the compressed size of
 * every real image (sum of its layer sizes per platform, as a registry stores
 * it), built on the harness engine from the committed Dockerfiles with one
 * substitution, as packages/toolbox-base/test/dockerfile-build.e2e.test.ts
 * does: the lock's downloads are emptied (their hosts are unreachable here)
 * and Debian packages the harness base's offline apt repository lacks
 * (TeX Live, the OpenStack CLI) are left out. So the numbers compare layouts
 * of the same tree shape (a parent split, an extra layer), not real image
 * sizes; the base is the harness's Debian bookworm, not the pinned trixie.
 * Parents are built first and published to $HARNESS_ENGINE_REGISTRY, which
 * children build on by digest. Needs the harness.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { connection, dag, type Container, type Platform } from "@dagger.io/dagger";
import { loadImageGraph } from "@image-tooling/image-metadata";
import { compressedSize, type ImageManifest, RegistryClient } from "@image-tooling/oci-registry";
import { loadHarnessEnv } from "@image-tooling/test-support/harness-env";
import { LOCAL_APT_PACKAGES } from "@image-tooling/airgap-engine/local-apt";
import { runMain } from "@image-tooling/cli-support";

const root = resolve(process.argv[2] ?? ".");
const harness = loadHarnessEnv();
const PLATFORMS: Platform[] = ["linux/amd64", "linux/arm64"] as Platform[];
const run = Date.now();
const registry = new RegistryClient({ registry: harness.HARNESS_REGISTRY });

/** The lock as committed, minus downloads and Debian packages the offline repository lacks. */
function offlineLock(dir: string): string {
  const lock = JSON.parse(readFileSync(join(dir, "tools.lock.json"), "utf8")) as { tools: object; debian?: { packages: string[] } };
  const packages = (lock.debian?.packages ?? []).filter((p) => LOCAL_APT_PACKAGES.includes(p.split("=")[0]!));
  return JSON.stringify({ ...lock, tools: {}, debian: { ...lock.debian, packages } });
}

async function main(): Promise<void> {
  const graph = loadImageGraph(root);
  const sizes = new Map<string, Record<string, { bytes: number; layers: number }>>();
  await connection(async () => {
    const refs = new Map<string, string>();
    for (const name of graph.order) {
      const pkg = graph.images.get(name)!;
      const base = pkg.metadata.parent ? refs.get(pkg.metadata.parent)! : harness.HARNESS_DEBIAN_BASE;
      const dir = dag
        .host()
        .directory(join(root, pkg.root))
        .withNewFile("tools.lock.json", offlineLock(join(root, pkg.root)));
      const variants: Container[] = PLATFORMS.map((platform) =>
        dir.dockerBuild({ platform, dockerfile: "Dockerfile", buildArgs: [{ name: "BASE_IMAGE", value: base }] }),
      );
      const repo = `bench/sizes-${name}`;
      const ref = await dag.container().publish(`${harness.HARNESS_ENGINE_REGISTRY}/${repo}:${run}`, { platformVariants: variants });
      refs.set(name, ref);
      const perPlatform: Record<string, { bytes: number; layers: number }> = {};
      for (const m of await registry.platformManifests(repo, ref.split("@")[1]!)) {
        const manifest = (await registry.getManifest(repo, m.digest)).json as ImageManifest;
        perPlatform[m.platform] = { bytes: compressedSize(manifest), layers: manifest.layers.length };
      }
      sizes.set(name, perPlatform);
      console.error(`built ${name}`);
    }
  });
  const mb = (b: number) => (b / 1e6).toFixed(3);
  console.log(`| image | linux/amd64 bytes (layers) | linux/arm64 bytes (layers) |\n|---|---|---|`);
  for (const name of graph.order) {
    const s = sizes.get(name)!;
    const cell = (p: string) => (s[p] ? `${s[p]!.bytes} (${mb(s[p]!.bytes)} MB, ${s[p]!.layers})` : "-");
    console.log(`| ${name} | ${cell("linux/amd64")} | ${cell("linux/arm64")} |`);
  }
}

runMain("bench sizes", async () => {
  await main();
  return 0;
});
