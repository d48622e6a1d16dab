import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { MediaType } from "@image-tooling/oci-registry";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startTestRegistry, type TestRegistry } from "@image-tooling/test-support/registry-server";
import { BlobStore } from "../src/blobstore.ts";
import { type DebianArch, type HarnessConfig, resolveConfig } from "../src/config.ts";
import { debianImage, seed } from "../src/steps/images.ts";
import { harnessRegistry, registryAnswers } from "../src/steps/registry.ts";

// The harness's seeding (what provision does to put the Debian base into its
// registry) against a throwaway docker-registry, so the shared harness
// registry is never touched: layers stream from the content-addressed store
// through the pipeline's registry client.
type LayerRecord = Parameters<typeof debianImage>[1][DebianArch];
const root = path.resolve(import.meta.dirname, "..", "..", "..");
const tmp = mkdtempSync(path.join(os.tmpdir(), "seed-"));

describe("seed", () => {
  let registry: TestRegistry;
  let cfg: HarnessConfig;

  beforeAll(async () => {
    registry = await startTestRegistry();
    const real = resolveConfig({ env: {}, repoRoot: root, lockfile: JSON.parse(readFileSync(path.join(root, "package-lock.json"), "utf8")) });
    cfg = { ...real, cacheDir: path.join(tmp, "cache"), registry: { ...real.registry, addr: registry.host } };
  });
  afterAll(async () => {
    await registry?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  async function layers(): Promise<Record<DebianArch, LayerRecord>> {
    const store = new BlobStore(path.join(cfg.cacheDir, "oci"));
    const out = {} as Record<DebianArch, LayerRecord>;
    for (const arch of cfg.debian.archs) {
      const dir = path.join(tmp, `rootfs-${arch}`);
      mkdirSync(path.join(dir, "etc"), { recursive: true });
      writeFileSync(path.join(dir, "etc/os-release"), `ID=debian\nARCH=${arch}\n`);
      out[arch] = { key: arch, created: "2026-01-01T00:00:00Z", layer: await store.layerFromDir(dir, `test rootfs ${arch}`) };
    }
    return out;
  }

  it("pushes the layers, manifests and index under every tag, then finds nothing to do", async () => {
    const image = debianImage(cfg, await layers());
    const first = await seed(cfg, image);
    expect(first.pushed).toEqual(cfg.seed.debianTags.map((t) => `${cfg.seed.debianRepo}:${t}`));

    const client = harnessRegistry(registry.host);
    for (const tag of cfg.seed.debianTags) expect(await client.manifestDigest(cfg.seed.debianRepo, tag)).toBe(image.index.descriptor.digest);
    const platforms = await client.platformManifests(cfg.seed.debianRepo, cfg.seed.debianTags[0]!);
    expect(platforms.map((p) => p.platform)).toEqual(["linux/amd64", "linux/arm64/v8"]);
    expect(platforms.every((p) => p.mediaType === MediaType.ociManifest)).toBe(true);
    // Each layer is in the registry byte for byte as it is in the store.
    const store = new BlobStore(path.join(cfg.cacheDir, "oci"));
    for (const layer of image.layers) {
      const hash = createHash("sha256");
      const size = await client.pullBlob(
        cfg.seed.debianRepo,
        layer.blob.digest,
        new Writable({
          write(chunk: Buffer, _enc, done) {
            hash.update(chunk);
            done();
          },
        }),
      );
      expect(size).toBe(layer.blob.size);
      expect(
        `sha256:${createHash("sha256")
          .update(readFileSync(store.path(layer.blob.digest)))
          .digest("hex")}`,
      ).toBe(`sha256:${hash.digest("hex")}`);
    }

    expect(await seed(cfg, image)).toEqual({ pushed: [] });
  });
});

describe("registryAnswers", () => {
  it("is true for a distribution registry and false, within its short deadline, for a closed port", async () => {
    const registry = await startTestRegistry();
    try {
      expect(await registryAnswers(registry.host)).toBe(true);
    } finally {
      await registry.stop();
    }
    const t0 = Date.now();
    expect(await registryAnswers(`127.0.0.1:${await freePort()}`)).toBe(false);
    expect(Date.now() - t0).toBeLessThan(2500);
  });
});
