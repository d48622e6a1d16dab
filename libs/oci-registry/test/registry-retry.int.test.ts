import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RegistryClient } from "../src/client.ts";
import { RegistryError } from "../src/errors.ts";
import { sha256Digest } from "../src/media.ts";
import { seedImage, type SeededImage } from "@image-tooling/test-support/oci-image";
import { firstN, startFaultProxy, type FaultProxy } from "@image-tooling/test-support/fault-proxy";
import { freePort, startTestRegistry, type TestRegistry } from "@image-tooling/test-support/registry-server";

// A real docker-registry behind a proxy that injects the faults real registries
// produce: rate limits with Retry-After, 503s, dropped connections.
describe("the registry client retries transient failures", () => {
  let registry: TestRegistry;
  let proxy: FaultProxy;
  let image: SeededImage;
  const repo = "team/retry";

  beforeAll(async () => {
    registry = await startTestRegistry();
    image = await seedImage(new RegistryClient({ registry: registry.host }), repo, "1.0.0", {});
    proxy = await startFaultProxy(registry.host);
  });
  afterAll(async () => {
    await proxy?.stop();
    await registry?.stop();
  });

  /** A client through the proxy whose waits are recorded (and really taken: they are short). */
  function client(retry: { retries?: number; maxTotalMs?: number; baseMs?: number; capMs?: number } = {}) {
    const lines: string[] = [];
    const c = new RegistryClient({ registry: proxy.host, retry: { baseMs: 20, capMs: 100, ...retry }, onRetry: (l) => lines.push(l) });
    return { c, lines };
  }

  it("waits as Retry-After asks on 429, then succeeds, saying so each time", async () => {
    proxy.setRule(firstN(2, { status: 429, headers: { "retry-after": "1" } }));
    const { c, lines } = client();
    const t0 = Date.now();
    expect(await c.manifestDigest(repo, "1.0.0")).toBe(image.digest);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2000);
    expect(lines).toEqual([
      `  ↻ HEAD /v2/team/retry/manifests/1.0.0 on registry ${proxy.host}: rate limited (HTTP 429); waiting 1.0 s as its Retry-After asked, then retry 1 of 5`,
      `  ↻ HEAD /v2/team/retry/manifests/1.0.0 on registry ${proxy.host}: rate limited (HTTP 429); waiting 1.0 s as its Retry-After asked, then retry 2 of 5`,
    ]);
  });

  it("retries a dropped connection and a 503 in the middle of moving a tag", async () => {
    const manifest = await client().c.getManifest(repo, image.digest);
    let n = 0;
    proxy.setRule((req) => (req.method === "PUT" ? (++n === 1 ? "reset" : n === 2 ? { status: 503 } : undefined) : undefined));
    const { c, lines } = client();
    expect(await c.putManifest(repo, "1.0", manifest)).toBe(image.digest);
    expect(lines.map((l) => l.replace(/waiting [\d.]+ m?s/, "waiting N s"))).toEqual([
      `  ↻ PUT /v2/team/retry/manifests/1.0 on registry ${proxy.host}: connection closed unexpectedly; waiting N s, then retry 1 of 5`,
      `  ↻ PUT /v2/team/retry/manifests/1.0 on registry ${proxy.host}: service unavailable (HTTP 503); waiting N s, then retry 2 of 5`,
    ]);
    proxy.setRule(undefined);
    expect(await c.manifestDigest(repo, "1.0")).toBe(image.digest);
  });

  it("starts a blob upload over in a new session when its PUT fails transiently", async () => {
    const content = Buffer.from(`a layer ${Date.now()}`);
    const source = {
      digest: sha256Digest(content),
      size: content.length,
      async *open() {
        yield content;
      },
    };
    proxy.setRule(firstN(1, "reset", (req) => req.method === "PUT"));
    const from = proxy.seen.length;
    const { c, lines } = client();
    expect(await c.pushBlob(repo, source)).toEqual({ digest: source.digest, size: content.length });
    proxy.setRule(undefined);
    expect(proxy.seen.slice(from).map((r) => `${r.method} ${r.path.split("?")[0]!.replace(/uploads\/.+$/, "uploads/<session>")} ${r.outcome}`)).toEqual([
      `HEAD /v2/${repo}/blobs/${source.digest} pass`,
      `POST /v2/${repo}/blobs/uploads/ pass`,
      `PUT /v2/${repo}/blobs/uploads/<session> reset`,
      `POST /v2/${repo}/blobs/uploads/ pass`,
      `PUT /v2/${repo}/blobs/uploads/<session> pass`,
    ]);
    expect(lines.map((l) => l.replace(/waiting [\d.]+ m?s/, "waiting N s"))).toEqual([
      `  ↻ upload of blob ${source.digest} to ${proxy.host}/${repo}: connection closed unexpectedly; waiting N s, then retry 1 of 5`,
    ]);
    expect((await c.getBlob(repo, source.digest)).equals(content)).toBe(true);
  });

  it("gives up on a 503 that stays, within the bound, naming registry, operation and what to do", async () => {
    proxy.setRule(() => ({ status: 503 }));
    const { c, lines } = client({ retries: 10, maxTotalMs: 1500, baseMs: 200, capMs: 10_000 });
    const t0 = Date.now();
    const e = await c.listTags(repo).catch((err: unknown) => err);
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(e).toBeInstanceOf(RegistryError);
    expect((e as Error).message).toMatch(
      new RegExp(
        `^registry ${proxy.host} answered HTTP 503 \\(UNAVAILABLE: injected fault\\) while listing tags of ${proxy.host}/team/retry \\(service unavailable \\(HTTP 503\\); gave up after \\d attempts in [\\d.]+ m?s: beyond the 1\\.5 s allowed \\(IMAGE_REGISTRY_RETRY_MAX_SECONDS\\)\\): a server-side error; re-run later, or check the registry's health$`,
      ),
    );
    expect(lines.length).toBeGreaterThanOrEqual(2);
    proxy.setRule(undefined);
  });

  it("rides out the registry's own 500 on a read that races a write of the same tag (what a publish waiting for another publisher meets)", async () => {
    // No injected fault: docker-registry's filesystem store rewrites a tag's link
    // file in place, and a read that lands mid-write is answered 500 UNKNOWN.
    const manifest = await client().c.getManifest(repo, image.digest);
    const variants = Array.from({ length: 8 }, (_, i) => {
      const doc = JSON.parse(Buffer.from(manifest.bytes).toString("utf8")) as Record<string, unknown>;
      return { mediaType: manifest.mediaType, bytes: Buffer.from(JSON.stringify({ ...doc, annotations: { n: String(i) } })) };
    });
    const writer = new RegistryClient({ registry: registry.host, retry: { retries: 0 } });
    await writer.putManifest(repo, "racing", variants[0]!);
    let writing = true;
    const writes = (async () => {
      for (let i = 1; writing; i++) await writer.putManifest(repo, "racing", variants[i % variants.length]!);
    })();
    try {
      // Without retries the race shows as an error within a few hundred reads…
      const once = new RegistryClient({ registry: registry.host, retry: { retries: 0 } });
      let raced: unknown;
      for (let i = 0; i < 5000 && !raced; i++)
        raced = await once.getManifest(repo, "racing").then(
          () => undefined,
          (e: unknown) => e ?? "error",
        );
      expect((raced as Error).message).toMatch(/answered HTTP 500 \(UNKNOWN: unknown error\) while reading racing of/);
      // …with them, every read gets a manifest, each retry said out loud.
      const lines: string[] = [];
      const retrying = new RegistryClient({ registry: registry.host, retry: { baseMs: 5, capMs: 20 }, onRetry: (l) => lines.push(l) });
      const digests = new Set(variants.map((v) => sha256Digest(v.bytes)));
      for (let i = 0; i < 600; i++) expect(digests).toContain((await retrying.getManifest(repo, "racing")).digest);
      expect(lines.length).toBeGreaterThan(0);
      expect(lines[0]).toMatch(
        /^ {2}↻ GET \/v2\/team\/retry\/manifests\/racing on registry [\d.:]+: internal server error \(HTTP 500\); waiting [\d.]+ m?s, then retry 1 of 5$/,
      );
    } finally {
      writing = false;
      await writes;
    }
  });

  it("does not retry what is an answer (404, 401)", async () => {
    proxy.setRule(undefined);
    const { c, lines } = client();
    const before = proxy.seen.length;
    expect(await c.manifestDigest(repo, "9.9.9")).toBeNull();
    expect(proxy.seen.length - before).toBe(1);
    expect(lines).toEqual([]);
  });

  it("retries a refused connection (a registry restarting) within the bound, saying so, then fails naming the registry", async () => {
    const lines: string[] = [];
    const host = `127.0.0.1:${await freePort()}`;
    const down = new RegistryClient({ registry: host, retry: { retries: 2, baseMs: 20 }, onRetry: (l) => lines.push(l) });
    await expect(down.ping()).rejects.toThrow(
      `cannot reach registry ${host} (connection refused): is it running? check IMAGE_REGISTRY (GET /v2/: connection refused; gave up after 3 attempts (IMAGE_REGISTRY_RETRIES=2))`,
    );
    expect(lines).toEqual([
      expect.stringMatching(new RegExp(`^  ↻ GET /v2/ on registry ${host}: connection refused; waiting [\\d.]+ m?s, then retry 1 of 2$`)),
      expect.stringMatching(/then retry 2 of 2$/),
    ]);
  });
  it("a registry killed mid-operation: the dropped connection is retried within the bound, then fails clearly; after a restart its content is intact", async () => {
    let killed = false;
    proxy.setRule(async (req) => {
      if (!killed && req.method === "GET" && req.path.includes("/tags/list")) {
        killed = true;
        await registry.kill();
        return "reset";
      }
      return undefined;
    });
    const { c, lines } = client({ retries: 2, baseMs: 50 });
    const e = await c.listTags(repo).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(RegistryError);
    expect((e as RegistryError).kind).toBe("unreachable");
    expect((e as Error).message).toMatch(
      new RegExp(
        `^cannot reach registry ${proxy.host} \\(connection closed unexpectedly\\): is it running\\? check IMAGE_REGISTRY \\(GET /v2/team/retry/tags/list: connection closed unexpectedly; gave up after 3 attempts \\(IMAGE_REGISTRY_RETRIES=2\\)\\)$`,
      ),
    );
    expect(lines).toHaveLength(2);
    await registry.restart();
    proxy.setRule(undefined);
    expect(await c.manifestDigest(repo, "1.0.0")).toBe(image.digest);
  });
});
