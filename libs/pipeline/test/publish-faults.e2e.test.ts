import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { loadHarnessEnv } from "@image-tooling/test-support/harness-env";
import type { TempWorkspace } from "@image-tooling/test-support/temp-workspace";
import { RegistryClient } from "@image-tooling/oci-registry";
import { firstN, startFaultProxy, type FaultProxy, type FaultRule } from "@image-tooling/test-support/fault-proxy";
import { fixtureWorkspace } from "@image-tooling/test-support/fixture-workspace";
import { bridgeAddress, startTestRegistry, type TestRegistry } from "@image-tooling/test-support/registry-server";
import { runPipeline, type PipelineRun } from "@image-tooling/test-support/run-pipeline";

// Publish against a misbehaving registry, end to end: a real docker-registry
// process on loopback, and in front of it, on this machine's bridge address
// where the engine reaches it, a proxy that can answer 429/503 or drop
// connections, and that can kill the registry in the middle of a request.
// Both the pipeline's own client and the engine's push go through the proxy.
const harness = loadHarnessEnv();
const baseDigest = harness.HARNESS_DEBIAN_BASE.split("@")[1]!;
const IMAGE = "fixture-base";
const VERSION = "1.0.0";
const FLOATING = ["1.0", "1", "latest"];

interface Setup {
  upstream: TestRegistry;
  proxy: FaultProxy;
  ns: string;
  /** Reads the registry directly, not through the proxy. */
  direct: RegistryClient;
  publish(extraEnv?: Record<string, string>): Promise<PipelineRun & { seconds: number }>;
  tags(): Promise<Record<string, string | null>>;
  result(): Record<string, unknown>;
}

let ws: TempWorkspace;
const open: Setup[] = [];

/** A rule that kills the registry behind the proxy at the first request `matches` accepts, and drops that connection. */
function killRegistryAtFirst(matches: (req: { method: string; path: string }) => boolean, registry: () => TestRegistry): FaultRule {
  let killed = false;
  return async (req) => {
    if (killed || !matches(req)) return undefined;
    killed = true;
    await registry().kill();
    return "reset";
  };
}

async function setup(rule?: FaultRule): Promise<Setup> {
  const upstream = await startTestRegistry();
  const [host, port] = (await bridgeAddress()).split(":");
  const proxy = await startFaultProxy(upstream.host, { host, port: Number(port), ...(rule && { rule }) });
  const ns = `faults-${randomBytes(4).toString("hex")}`;
  const direct = new RegistryClient({ registry: upstream.host, retry: { retries: 0 } });
  const s: Setup = {
    upstream,
    proxy,
    ns,
    direct,
    async publish(extraEnv = {}) {
      const t0 = Date.now();
      const run = await runPipeline(ws, ["publish", IMAGE], {
        IMAGE_REGISTRY: proxy.host,
        IMAGE_REGISTRY_PLAIN_HTTP: "true",
        IMAGE_NAMESPACE: ns,
        IMAGE_REGISTRY_RETRIES: "3",
        IMAGE_REGISTRY_RETRY_MAX_SECONDS: "20",
        ...extraEnv,
      });
      return { ...run, seconds: (Date.now() - t0) / 1000 };
    },
    async tags() {
      const repo = `${ns}/${IMAGE}`;
      const out: Record<string, string | null> = {};
      for (const tag of [VERSION, ...FLOATING]) out[tag] = await direct.manifestDigest(repo, tag);
      return out;
    },
    result() {
      return JSON.parse(ws.read(`dist/images/${IMAGE}/result.json`)) as Record<string, unknown>;
    },
  };
  open.push(s);
  return s;
}

/** What each test saw, printed for the record (retries, times, what a re-run did). */
function observe(name: string, facts: Record<string, unknown>): void {
  process.stdout.write(`[fault-observation] ${name}: ${JSON.stringify(facts)}\n`);
}

const retryLines = (out: string) => out.split("\n").filter((l) => l.includes("↻"));
const manifestPuts = (p: FaultProxy, tag: string, ns: string) => p.seen.filter((r) => r.method === "PUT" && r.path === `/v2/${ns}/${IMAGE}/manifests/${tag}`);

describe("publish against a registry that fails", () => {
  beforeAll(() => {
    ws = fixtureWorkspace(baseDigest, [IMAGE]);
  });
  afterEach(async () => {
    for (const s of open.splice(0)) {
      await s.proxy.stop();
      await s.upstream.stop();
    }
  });
  afterAll(() => ws?.dispose());

  it("429 with Retry-After, a few times: waits as asked, says so, and publishes", async () => {
    const rateLimited = { status: 429, headers: { "retry-after": "1" }, body: JSON.stringify({ errors: [{ code: "TOOMANYREQUESTS", message: "slow down" }] }) };
    // Our preflight's first two pings, the engine's first PUT of the X.Y.Z manifest, and our first move of a floating tag.
    const firstPing = firstN(2, rateLimited);
    let engineUpload429 = 1;
    let engineManifest429 = 1;
    let floating429 = 1;
    const s = await setup(async (req) => {
      if (req.method === "GET" && req.path === "/v2/") return firstPing(req);
      if (req.method === "POST" && req.path.includes("/blobs/uploads/") && engineUpload429-- > 0) return rateLimited;
      if (req.method === "PUT" && req.path.endsWith(`/manifests/${VERSION}`) && engineManifest429-- > 0) return rateLimited;
      if (req.method === "PUT" && req.path.endsWith("/manifests/1.0") && floating429-- > 0) return rateLimited;
      return undefined;
    });
    const run = await s.publish();
    expect(run.status, run.all).toBe(0);
    const retries = retryLines(run.all);
    expect(retries).toContain(`  ↻ GET /v2/ on registry ${s.proxy.host}: rate limited (HTTP 429); waiting 1.0 s as its Retry-After asked, then retry 1 of 3`);
    expect(retries).toContain(
      `  ↻ PUT /v2/${s.ns}/${IMAGE}/manifests/1.0 on registry ${s.proxy.host}: rate limited (HTTP 429); waiting 1.0 s as its Retry-After asked, then retry 1 of 3`,
    );
    // The engine reports a 429 on its manifest PUT only as "unexpected EOF" (containerd), so its retry cannot honour Retry-After.
    expect(retries.some((l) => l.startsWith(`  ↻ push ${s.proxy.host}/${s.ns}/${IMAGE}:${VERSION}: the registry ended the request early`))).toBe(true);
    const tags = await s.tags();
    expect(new Set(Object.values(tags)).size).toBe(1);
    expect(tags[VERSION]).toMatch(/^sha256:/);
    expect(s.result()).toMatchObject({ status: "pushed", digest: tags[VERSION] });
    observe("429 + Retry-After", { seconds: run.seconds, retries, injected429: s.proxy.seen.filter((r) => r.outcome === 429).length });
  });

  it("503 forever on every write: fails within the bound, names registry and what to do, leaves nothing tagged", async () => {
    const s = await setup((req) => (req.method === "GET" || req.method === "HEAD" ? undefined : { status: 503 }));
    const run = await s.publish({ IMAGE_REGISTRY_RETRIES: "5", IMAGE_REGISTRY_RETRY_MAX_SECONDS: "15" });
    expect(run.status, run.all).toBe(1);
    const first503 = s.proxy.seen.find((r) => r.outcome === 503)!.at;
    const last503 = s.proxy.seen.filter((r) => r.outcome === 503).at(-1)!.at;
    // The bound covers the push with its retries; a push attempt itself takes a moment beyond the last wait.
    expect((last503 - first503) / 1000).toBeLessThan(15 + 10);
    expect(run.all).toContain(
      `✘ publish failed: ${IMAGE}: push of ${s.proxy.host}/${s.ns}/${IMAGE}:${VERSION} failed (service unavailable (HTTP 503); gave up after`,
    );
    expect(run.all).not.toMatch(/^\s+at /m);
    expect(await s.tags()).toEqual({ [VERSION]: null, "1.0": null, "1": null, latest: null });
    expect(s.result()).toMatchObject({ status: "failed", notice: `nothing was written to the registry; not written: ${VERSION}, ${FLOATING.join(", ")}` });
    observe("503 forever", {
      seconds: run.seconds,
      secondsFromFirst503ToLast: (last503 - first503) / 1000,
      injected503: s.proxy.seen.filter((r) => r.outcome === 503).length,
      retries: retryLines(run.all),
    });
  });

  it("registry killed during the X.Y.Z push: a clear failure; after a restart a re-run publishes, every tag on the tested digest", async () => {
    const s: Setup = await setup(
      killRegistryAtFirst(
        (req) => req.path.includes("/blobs/uploads/") && req.method !== "POST",
        () => s.upstream,
      ),
    );
    const failed = await s.publish();
    expect(failed.status, failed.all).toBe(1);
    expect(failed.all).toMatch(new RegExp(`✘ publish failed: .*${s.proxy.host}`));
    expect(failed.all).not.toMatch(/^\s+at /m);
    expect(s.result()).toMatchObject({ status: "failed" });
    expect((s.result().tags as Record<string, unknown> | undefined)?.[VERSION]).toBeUndefined();

    await s.upstream.restart();
    expect(await s.tags()).toEqual({ [VERSION]: null, "1.0": null, "1": null, latest: null });
    const before = s.proxy.seen.length;
    const rerun = await s.publish();
    expect(rerun.status, rerun.all).toBe(0);
    const tags = await s.tags();
    expect(new Set(Object.values(tags)).size).toBe(1);
    expect(s.result()).toMatchObject({ status: "pushed", digest: tags[VERSION] });
    expect(manifestPuts(s.proxy, VERSION, s.ns).length).toBeGreaterThanOrEqual(1);
    observe("killed during X.Y.Z push", {
      failedAfterSeconds: failed.seconds,
      retriesSeen: retryLines(failed.all),
      error: failed.all.slice(failed.all.indexOf("✘ publish failed")).split("\n").slice(0, 3),
      rerunSeconds: rerun.seconds,
      rerunRequests: s.proxy.seen.length - before,
    });
  });

  it("registry killed between the X.Y.Z push and the floating tags: X.Y.Z stays as pushed, no floating tag moves until a re-run completes them", async () => {
    const s: Setup = await setup(
      killRegistryAtFirst(
        (req) => req.method === "PUT" && req.path.endsWith("/manifests/1.0"),
        () => s.upstream,
      ),
    );
    const failed = await s.publish();
    expect(failed.status, failed.all).toBe(1);
    expect(failed.all).toContain(`cannot reach registry ${s.proxy.host}`);
    expect(failed.all).not.toMatch(/^\s+at /m);
    const partial = s.result() as { status: string; digest: string; tags: Record<string, { digest: string }>; pendingTags: string[] };
    expect(partial.status).toBe("failed");
    expect(partial.tags[VERSION]!.digest).toBe(partial.digest);
    expect(partial.pendingTags).toEqual(FLOATING);

    await s.upstream.restart();
    // X.Y.Z is the smoke-tested digest; nothing floats yet.
    expect(await s.tags()).toEqual({ [VERSION]: partial.digest, "1.0": null, "1": null, latest: null });
    const putsBefore = manifestPuts(s.proxy, VERSION, s.ns).length;
    const rerun = await s.publish();
    expect(rerun.status, rerun.all).toBe(0);
    expect(rerun.all).toContain(`${IMAGE} ${VERSION} is already published (${partial.digest}); skipped`);
    // The re-run never pushed X.Y.Z again, and moved every floating tag to the tested digest.
    expect(manifestPuts(s.proxy, VERSION, s.ns).length).toBe(putsBefore);
    expect(await s.tags()).toEqual({ [VERSION]: partial.digest, "1.0": partial.digest, "1": partial.digest, latest: partial.digest });
    expect(s.result()).toMatchObject({ status: "skipped", digest: partial.digest });
    observe("killed between X.Y.Z and floating tags", {
      failedAfterSeconds: failed.seconds,
      retriesSeen: retryLines(failed.all),
      rerunSeconds: rerun.seconds,
      rerunPushedImmutable: manifestPuts(s.proxy, VERSION, s.ns).length - putsBefore,
    });
  });

  it("two publishes of the same commit's new version at once: exactly one X.Y.Z push; the other finds it, built from the same inputs, and completes it", async () => {
    const s = await setup();
    const [a, b] = await Promise.all([s.publish(), s.publish()]);
    const runs = [a, b];
    expect(manifestPuts(s.proxy, VERSION, s.ns)).toHaveLength(1);
    for (const run of runs) expect(run.status, run.all).toBe(0);
    const second = runs.filter((r) => r.all.includes("while this run was building, built from the same inputs: another publish got there first; not pushing"));
    expect(second).toHaveLength(1);
    expect(second[0]!.all).not.toMatch(/▶ .*: push /);
    const tags = await s.tags();
    expect(new Set(Object.values(tags)).size).toBe(1);
    // The first attested under the lock, so the second found nothing to add.
    expect(second[0]!.all).toContain("signature, SBOMs and provenance present: nothing to add");
    const results = JSON.parse(ws.read(`dist/images/${IMAGE}/result.json`)) as { digest: string };
    expect(results.digest).toBe(tags[VERSION]);
    observe("two publishes at once", {
      seconds: runs.map((r) => r.seconds),
      waited: runs.some((r) => r.all.includes("is pushing")),
      second: second[0]!.all.split("\n").find((l) => l.includes("appeared in the registry")),
    });
  });
});
