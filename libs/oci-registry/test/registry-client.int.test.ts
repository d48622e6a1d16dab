import { createServer, type Server } from "node:net";
import { rejection } from "@image-tooling/test-support/rejection";
import { createServer as createHttpServer } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RegistryClient } from "../src/client.ts";
import { RegistryError } from "../src/errors.ts";
import { MediaType, type ImageIndex } from "../src/media.ts";
import { seedImage, tarFile, type SeededImage } from "@image-tooling/test-support/oci-image";
import { gzipSync } from "node:zlib";
import { requireBinary } from "@image-tooling/test-support/binaries";
import { freePort, startTestRegistry, type TestRegistry } from "@image-tooling/test-support/registry-server";

describe("RegistryClient against docker-registry", () => {
  let registry: TestRegistry;
  let client: RegistryClient;
  let image: SeededImage;
  const repo = "team/tooling";

  beforeAll(async () => {
    registry = await startTestRegistry();
    client = new RegistryClient({ registry: registry.host, timeoutMs: 5000 });
    image = await seedImage(client, repo, "1.0.0", { labels: { "org.opencontainers.image.version": "1.0.0" }, attestation: true });
  });
  afterAll(async () => {
    await registry?.stop();
  });

  it("pings a registry that needs no login", async () => {
    expect(await client.ping()).toEqual({ registry: registry.host, auth: "none" });
  });

  it("resolves a tag and a digest to the index digest", async () => {
    expect(image.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await client.manifestDigest(repo, "1.0.0")).toBe(image.digest);
    expect(await client.manifestDigest(repo, image.digest)).toBe(image.digest);
  });

  it("returns the index as stored: media type, digest, exact bytes, both platforms", async () => {
    const m = await client.getManifest(repo, "1.0.0");
    expect(m.mediaType).toBe(MediaType.ociIndex);
    expect(m.digest).toBe(image.digest);
    expect(m.bytes.equals(image.bytes)).toBe(true);
    const platforms = (m.json as ImageIndex).manifests.map((d) => d.platform && `${d.platform.os}/${d.platform.architecture}`);
    expect(platforms).toEqual(["linux/amd64", "linux/arm64", "unknown/unknown"]);
  });

  it("lists the runnable platforms, leaving attestations out", async () => {
    const platforms = await client.platformManifests(repo, "1.0.0");
    expect(platforms.map((p) => [p.platform, p.digest])).toEqual([
      ["linux/amd64", image.platforms["linux/amd64"]!.digest],
      ["linux/arm64", image.platforms["linux/arm64"]!.digest],
    ]);
    expect(await client.platformManifests(repo, image.platforms["linux/arm64"]!.digest)).toEqual([
      expect.objectContaining({ platform: "linux/arm64", digest: image.platforms["linux/arm64"]!.digest, mediaType: MediaType.ociManifest }),
    ]);
  });

  it("gives each runnable platform's compressed size: the sum of its layer sizes", async () => {
    // seedImage's one layer per platform, rebuilt here: a gzip (level 9) of a one-file tar.
    const layerSize = (platform: string) => gzipSync(tarFile("hello.txt", `hello from ${platform}\n`), { level: 9 }).length;
    expect(await client.platformSizes(repo, "1.0.0")).toEqual({ "linux/amd64": layerSize("linux/amd64"), "linux/arm64": layerSize("linux/arm64") });
  });

  it("moves a floating tag by re-putting the exact bytes: same digest", async () => {
    const m = await client.getManifest(repo, image.digest);
    expect(await client.putManifest(repo, "1", { mediaType: m.mediaType, bytes: m.bytes })).toBe(image.digest);
    expect(await client.manifestDigest(repo, "1")).toBe(image.digest);
    expect((await client.getManifest(repo, "1")).bytes.equals(image.bytes)).toBe(true);
  });

  it("reads each platform's config and labels through the index", async () => {
    for (const platform of ["linux/amd64", "linux/arm64"]) {
      const config = await client.imageConfig(repo, "1.0.0", platform);
      expect(config.architecture).toBe(platform.split("/")[1]);
      expect(config.config?.Labels).toEqual({ "org.opencontainers.image.version": "1.0.0", platform });
    }
    // A platform manifest by digest needs no platform; a matching one is checked.
    expect((await client.imageConfig(repo, image.platforms["linux/arm64"]!.digest)).architecture).toBe("arm64");
    const mismatch = await rejection(client.imageConfig(repo, image.platforms["linux/arm64"]!.digest, "linux/amd64"), RegistryError);
    expect(mismatch.message).toMatch(/is a linux\/arm64 image, not linux\/amd64/);
  });

  it("says which platforms exist when the wanted one does not, or when none was named", async () => {
    const e = await rejection(client.imageConfig(repo, "1.0.0", "linux/s390x"), RegistryError);
    expect(e.kind).toBe("not-found");
    expect(e.message).toBe(`${registry.host}/${repo}:1.0.0 has no linux/s390x image (it has linux/amd64, linux/arm64)`);
    await expect(client.imageConfig(repo, "1.0.0")).rejects.toThrow(/multi-platform index \(linux\/amd64, linux\/arm64\): say which platform/);
  });

  it("lists tags across pages", async () => {
    const m = await client.getManifest(repo, "1.0.0");
    const tags = ["1.0.1", "1.1.0", "2.0.0", "latest", "2", "2.0"];
    for (const tag of tags) await client.putManifest(repo, tag, m);
    const all = ["1", "1.0.0", ...tags].sort();
    expect((await client.listTags(repo)).sort()).toEqual(all);
    expect((await client.listTags(repo, { pageSize: 2 })).sort()).toEqual(all);
    expect((await client.listTags(repo, { pageSize: 1 })).sort()).toEqual(all);
  });

  it("treats what does not exist yet as empty, not as a failure", async () => {
    expect(await client.listTags("team/never-pushed")).toEqual([]);
    expect(await client.manifestDigest("team/never-pushed", "1.0.0")).toBeNull();
    expect(await client.manifestDigest(repo, "9.9.9")).toBeNull();
    expect(await client.manifestDigest(repo, `sha256:${"0".repeat(64)}`)).toBeNull();
    expect(await client.blobExists(repo, `sha256:${"0".repeat(64)}`)).toBe(false);
    const e = await rejection(client.getManifest(repo, "9.9.9"), RegistryError);
    expect(e.kind).toBe("not-found");
    expect(e.message).toBe(`${registry.host}/${repo} has no manifest 9.9.9`);
    expect(e.repository).toBe(`${registry.host}/${repo}`);
  });

  it("uploads a blob once and reads it back", async () => {
    const bytes = Buffer.from("blob content");
    const first = await client.pushBlob(repo, bytes);
    expect(await client.pushBlob(repo, bytes)).toEqual(first);
    expect(await client.blobExists(repo, first.digest)).toBe(true);
    expect((await client.getBlob(repo, first.digest)).equals(bytes)).toBe(true);
  });

  it("reports the registry's reason when it refuses a manifest", async () => {
    const dangling = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaType.ociIndex,
        manifests: [{ mediaType: MediaType.ociManifest, digest: `sha256:${"1".repeat(64)}`, size: 10, platform: { os: "linux", architecture: "amd64" } }],
      }),
    );
    const e = await rejection(client.putManifest(repo, "broken", { mediaType: MediaType.ociIndex, bytes: dangling }), RegistryError);
    expect(e.kind).toBe("protocol");
    expect(e.message).toMatch(
      new RegExp(`^registry ${registry.host} answered HTTP 400 \\(MANIFEST_BLOB_UNKNOWN.*\\) while pushing broken to ${registry.host}/${repo}$`),
    );
  });

  it("refuses bad names before asking the registry", async () => {
    await expect(client.listTags("Team/Tooling")).rejects.toThrow(`invalid repository name "Team/Tooling" for registry ${registry.host}`);
    await expect(client.manifestDigest(repo, "feature/x")).rejects.toThrow(`invalid tag or digest "feature/x" for ${registry.host}/${repo}`);
  });
});

describe("RegistryClient when the registry is not there", () => {
  it("says a closed port is unreachable and what to check", async () => {
    const host = `127.0.0.1:${await freePort()}`;
    // No retries: a refused connection is retried like any link fault (registry-flaky-link.int.test.ts); here, the message itself.
    const client = new RegistryClient({ registry: host, timeoutMs: 2000, retry: { retries: 0 } });
    const e = await rejection(client.ping(), RegistryError);
    expect(e.kind).toBe("unreachable");
    expect(e.message).toBe(`cannot reach registry ${host} (connection refused): is it running? check IMAGE_REGISTRY`);
    const tags = await rejection(client.listTags("team/tooling"), RegistryError);
    expect(tags.kind).toBe("unreachable");
    expect(tags.repository).toBe(`${host}/team/tooling`);
  });

  it("gives up on a registry that accepts connections but never answers", async () => {
    const sockets: import("node:net").Socket[] = [];
    const silent: Server = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    const port = (silent.address() as { port: number }).port;
    try {
      const client = new RegistryClient({ registry: `127.0.0.1:${port}`, timeoutMs: 300, retry: { retries: 0 } });
      const started = Date.now();
      const e = await rejection(client.manifestDigest("team/tooling", "1.0.0"), RegistryError);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(e.kind).toBe("unreachable");
      expect(e.message).toBe(
        `registry 127.0.0.1:${port} did not answer HEAD /v2/team/tooling/manifests/1.0.0 within 300 ms: is it running? check IMAGE_REGISTRY`,
      );
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => silent.close(r));
    }
  });

  it("says when what answers is not a registry", async () => {
    const web = createHttpServer((_req, res) => res.writeHead(404, { "content-type": "text/html" }).end("<h1>Not Found</h1>"));
    await new Promise<void>((r) => web.listen(0, "127.0.0.1", r));
    const host = `127.0.0.1:${(web.address() as { port: number }).port}`;
    try {
      const e = await rejection(new RegistryClient({ registry: host }).ping(), RegistryError);
      expect(e.kind).toBe("protocol");
      expect(e.message).toBe(`${host} answered GET /v2/ with HTTP 404 (<h1>Not Found</h1>): is it an OCI registry? check IMAGE_REGISTRY`);
    } finally {
      await new Promise((r) => web.close(r));
    }
  });
});

describe("test registry support", () => {
  it("fails loudly, saying how to install, when a binary is missing", () => {
    expect(() => requireBinary("docker-registry-not-installed", "docker-registry")).toThrow(
      "docker-registry-not-installed is not installed: registry tests need it. Run `npm run harness -- provision`, or `apt-get install docker-registry` on Debian.",
    );
  });
});
