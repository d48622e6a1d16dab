import { randomBytes } from "node:crypto";
import { connection, dag, type Platform } from "@dagger.io/dagger";
import { describe, expect, it } from "vitest";
import { loadHarnessEnv } from "@image-tooling/test-support/harness-env";

// Runs against the harness the way the pipeline does: the SDK starts the
// CLI from the env file, which reaches the engine container. Without the
// harness this throws at import time, so the file fails instead of skipping.
const env = loadHarnessEnv();

const MACHINE: Record<string, string> = { "linux/amd64": "x86_64", "linux/arm64": "aarch64" };
const INDEX_TYPES = ["application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json"];

async function getManifest(registry: string, repo: string, ref: string) {
  const res = await fetch(`http://${registry}/v2/${repo}/manifests/${ref}`, {
    headers: { accept: [...INDEX_TYPES, "application/vnd.oci.image.manifest.v1+json", "application/vnd.docker.distribution.manifest.v2+json"].join(", ") },
  });
  expect(res.status, `GET ${repo}:${ref}`).toBe(200);
  return {
    contentType: res.headers.get("content-type"),
    digest: res.headers.get("docker-content-digest"),
    doc: (await res.json()) as { mediaType?: string; manifests?: Array<{ platform?: { os: string; architecture: string } }> },
  };
}

const platformsOf = (doc: { manifests?: Array<{ platform?: { os: string; architecture: string } }> }) =>
  (doc.manifests ?? []).map((m) => `${m.platform?.os}/${m.platform?.architecture}`).sort();

describe("air-gapped Dagger engine", () => {
  it("connects through the SDK to an engine of the SDK's exact version", async () => {
    await connection(async () => {
      expect(await dag.version()).toBe(`v${env.HARNESS_DAGGER_VERSION}`);
    });
  });

  it.each(Object.entries(MACHINE))("runs the mirrored Debian base on %s (uname -m = %s)", async (platform, machine) => {
    await connection(async () => {
      const out = await dag
        .container({ platform: platform as Platform })
        .from(env.HARNESS_DEBIAN_BASE)
        // A fresh value per run, so the engine really executes instead of replaying its cache.
        .withEnvVariable("CACHE_BUST", randomBytes(4).toString("hex"))
        .withExec(["uname", "-m"])
        .stdout();
      expect(out.trim()).toBe(machine);
    });
  });

  it("resolves docker.io tags through the local mirror, to the digest the env file pins", async () => {
    const [name, digest] = env.HARNESS_DEBIAN_BASE.split("@");
    await connection(async () => {
      const byTag = dag.container().from(name!);
      expect((await byTag.withExec(["cat", "/etc/debian_version"]).stdout()).trim()).toMatch(/^12\./);
      expect(await byTag.imageRef()).toContain(digest);
    });
    const seeded = await getManifest(env.HARNESS_REGISTRY, "library/debian", "bookworm-slim");
    expect(seeded.digest).toBe(digest);
    expect(platformsOf(seeded.doc)).toEqual(["linux/amd64", "linux/arm64"]);
  });

  it("runs in its own network, as the Dagger CLI starts engines: this machine's loopback registry is out of its reach, the bridge address is not", async () => {
    const [name] = env.HARNESS_DEBIAN_BASE.split(":");
    const path = `${name!.replace(/^docker\.io\//, "")}:bookworm-slim`;
    await connection(async () => {
      // containerd speaks plain HTTP to 127.0.0.1 by default: only the topology can refuse this.
      const loopback = await dag
        .container()
        .from(`${env.HARNESS_REGISTRY}/${path}`)
        .sync()
        .then(
          () => "pulled",
          (e: Error) => e.message,
        );
      expect(loopback).toMatch(/connection refused/);
      const bridged = await dag.container().from(`${env.HARNESS_ENGINE_REGISTRY}/${path}`).withExec(["cat", "/etc/debian_version"]).stdout();
      expect(bridged.trim()).toMatch(/^12\./);
    });
  });

  it("publishes a two-platform image to the registry over the bridge, which serves it back as an index of both", async () => {
    const repo = `harness-e2e/multi-${randomBytes(4).toString("hex")}`;
    let published = "";
    await connection(async () => {
      const variants = Object.keys(MACHINE).map((platform) =>
        dag
          .container({ platform: platform as Platform })
          .from(env.HARNESS_DEBIAN_BASE)
          .withExec(["sh", "-c", "uname -m > /machine"]),
      );
      published = await dag.container().publish(`${env.HARNESS_ENGINE_REGISTRY}/${repo}:1`, { platformVariants: variants });
    });
    expect(published).toMatch(new RegExp(`^${env.HARNESS_ENGINE_REGISTRY}/${repo}:1@sha256:[0-9a-f]{64}$`));
    // Same storage behind both addresses: the host reads it back on loopback.
    const { contentType, digest, doc } = await getManifest(env.HARNESS_REGISTRY, repo, "1");
    expect(INDEX_TYPES).toContain(contentType);
    expect(digest).toBe(published.split("@")[1]);
    expect(platformsOf(doc)).toEqual(["linux/amd64", "linux/arm64"]);
  });

  it("starts the seeded registry:2 as a Dagger service that answers the distribution API", async () => {
    await connection(async () => {
      const registry = dag.container().from(env.HARNESS_REGISTRY_IMAGE).withExposedPort(5000).asService({ useEntrypoint: true });
      // bash's /dev/tcp: the slim base has no HTTP client, and needs none.
      const out = await dag
        .container()
        .from(env.HARNESS_DEBIAN_BASE)
        .withServiceBinding("registry", registry)
        .withEnvVariable("CACHE_BUST", randomBytes(4).toString("hex"))
        .withExec(["bash", "-c", 'exec 3<>/dev/tcp/registry/5000; printf "GET /v2/ HTTP/1.0\\r\\nHost: registry\\r\\n\\r\\n" >&3; cat <&3'])
        .stdout();
      expect(out).toMatch(/^HTTP\/1\.[01] 200/);
      expect(out).toMatch(/Docker-Distribution-Api-Version: registry\/2\.0/i);
    });
  });
});
