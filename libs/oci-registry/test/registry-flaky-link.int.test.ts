import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { FaultBudget, type FlakyLink, startFlakyLink } from "@image-tooling/test-support/flaky-link";
import { startTestRegistry, type TestRegistry } from "@image-tooling/test-support/registry-server";
import { RegistryClient } from "../src/client.ts";
import { sha256Digest } from "../src/media.ts";

// Our registry client behind a flaky link at the TCP level (no HTTP codes at
// all): connections reset or closed as they open, uploads cut part-way, a
// link that stops moving, and one that is slow but moving.
const MiB = 1 << 20;

describe("the registry client over a flaky link", () => {
  let registry: TestRegistry;
  let link: FlakyLink | undefined;
  beforeAll(async () => {
    registry = await startTestRegistry();
  });
  afterEach(async () => {
    await link?.stop();
    link = undefined;
  });
  afterAll(() => registry?.stop());

  const clientVia = (l: FlakyLink, opts: { timeoutMs?: number; retries?: number } = {}) => {
    const lines: string[] = [];
    const c = new RegistryClient({
      registry: l.host,
      timeoutMs: opts.timeoutMs ?? 2000,
      retry: { retries: opts.retries ?? 4, baseMs: 50 },
      onRetry: (m) => lines.push(m),
    });
    return { c, lines };
  };

  it("a connection reset (RST) or closed (FIN) as it opens is retried at once, said out loud, and costs milliseconds, not the timeout", async () => {
    link = await startFlakyLink({
      upstream: registry.host,
      seed: 7,
      rule: (c) => (c.id === 1 ? { reset: true } : c.id === 2 ? { closeAtAccept: true } : undefined),
    });
    const { c, lines } = clientVia(link, { timeoutMs: 5000 });
    const t0 = Date.now();
    expect(await c.ping()).toMatchObject({ auth: "none" });
    const ms = Date.now() - t0;
    expect(link.count("reset")).toBe(1);
    expect(link.count("close")).toBe(1);
    expect(lines[0]).toMatch(new RegExp(`^  ↻ GET /v2/ on registry ${link.host}: connection reset; waiting [\\d.]+ m?s, then retry 1 of 4$`));
    // Node's fetch may wait forever on a connection closed before the request went out: then the no-progress window drops it.
    expect(lines[1]).toMatch(/: (connection closed unexpectedly|connection reset|no progress for 5\.0 s); waiting [\d.]+ m?s, then retry 2 of 4$/);
    expect(lines).toHaveLength(2);
    expect(ms).toBeLessThan(5000 + 2000);
  });

  it("a link that stops moving mid-upload is dropped after the no-progress window and the upload sent again", async () => {
    const blob = randomBytes(48 * MiB);
    const digest = sha256Digest(blob);
    const stalls = new FaultBudget(1);
    link = await startFlakyLink({ upstream: registry.host, seed: 11, rule: () => ({ stallUpload: { afterBytes: MiB, budget: stalls } }) });
    const { c, lines } = clientVia(link, { timeoutMs: 700 });
    const t0 = Date.now();
    expect(await c.pushBlob("team/stall", blob)).toEqual({ digest, size: blob.length });
    expect(link.count("stall")).toBe(1);
    expect(lines).toEqual([expect.stringMatching(/: no progress for 700 ms; waiting [\d.]+ m?s, then retry 1 of 4$/)]);
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it("a slow upload that keeps moving is never cut, however much longer than the window it takes", async () => {
    const blob = randomBytes(8 * MiB);
    // 8 MB in chunks of up to 64 kB, each held 50 ms: over 6 s, against a 2 s window.
    link = await startFlakyLink({ upstream: registry.host, seed: 13, rule: () => ({ paceMs: 50 }) });
    const { c, lines } = clientVia(link, { timeoutMs: 2000 });
    const t0 = Date.now();
    expect(await c.pushBlob("team/slow", blob)).toEqual({ digest: sha256Digest(blob), size: blob.length });
    const seconds = (Date.now() - t0) / 1000;
    expect(lines).toEqual([]);
    expect(seconds).toBeGreaterThan(2 * 2);
    process.stdout.write(`[flaky-link] slow upload of 8 MB: ${seconds.toFixed(1)} s against a 2 s window, no retry\n`);
  });

  it("uploads cut part-way are sent again whole, and the registry holds exactly the blob", async () => {
    const blob = randomBytes(4 * MiB);
    const cuts = new FaultBudget(2);
    link = await startFlakyLink({ upstream: registry.host, seed: 3, rule: () => ({ cutUpload: { afterBytes: MiB, budget: cuts } }) });
    const { c, lines } = clientVia(link);
    expect(await c.pushBlob("team/cut", blob)).toEqual({ digest: sha256Digest(blob), size: blob.length });
    expect(link.count("cut-upload")).toBe(2);
    expect(lines.filter((l) => l.includes("↻"))).toHaveLength(2);
    expect(lines[0]).toMatch(/connection (reset|closed unexpectedly)/);
    const direct = new RegistryClient({ registry: registry.host, retry: { retries: 0 } });
    const pulled: Buffer[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        pulled.push(chunk);
        done();
      },
    });
    await direct.pullBlob("team/cut", sha256Digest(blob), sink);
    expect(sha256Digest(Buffer.concat(pulled))).toBe(sha256Digest(blob));
  });

  it("a link that never recovers fails within the bound, naming the registry and what was tried", async () => {
    link = await startFlakyLink({ upstream: registry.host, seed: 5, rule: () => ({ reset: true }) });
    const { c, lines } = clientVia(link, { retries: 3 });
    const t0 = Date.now();
    await expect(c.listTags("team/down")).rejects.toThrow(
      `cannot reach registry ${link.host} (connection reset): is it running? check IMAGE_REGISTRY (GET /v2/team/down/tags/list: connection reset; gave up after 4 attempts (IMAGE_REGISTRY_RETRIES=3))`,
    );
    expect(lines).toHaveLength(3);
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it("replays: the same seed and order of connections gives the same faults", async () => {
    const run = async (seed: number) => {
      const l = await startFlakyLink({ upstream: registry.host, seed, rule: (c) => (c.random() < 0.5 ? { reset: true } : undefined) });
      const c = new RegistryClient({ registry: l.host, retry: { retries: 0 } });
      const outcomes: boolean[] = [];
      for (let i = 0; i < 12; i++)
        outcomes.push(
          await c.ping().then(
            () => true,
            () => false,
          ),
        );
      await l.stop();
      return outcomes;
    };
    const a = await run(42);
    expect(await run(42)).toEqual(a);
    expect(a).toContain(true);
    expect(a).toContain(false);
  });
});
