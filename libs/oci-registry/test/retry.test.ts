import { describe, expect, it } from "vitest";
import { backoffMs, decideRetry, DEFAULT_RETRY_POLICY, parseRetryAfter, transientStatus, withRetries, type Outcome, type RetryPolicy } from "../src/retry.ts";

const policy: RetryPolicy = { retries: 4, maxTotalMs: 30_000, baseMs: 1_000, capMs: 8_000 };
const NOW = Date.parse("2026-12-03T12:00:00Z");

describe("Retry-After", () => {
  it("reads delay-seconds and HTTP-dates; ignores what it cannot read", () => {
    expect(parseRetryAfter("3", NOW)).toBe(3000);
    expect(parseRetryAfter(" 0 ", NOW)).toBe(0);
    expect(parseRetryAfter("Thu, 03 Dec 2026 12:00:07 GMT", NOW)).toBe(7000);
    expect(parseRetryAfter("Thu, 03 Dec 2026 11:00:00 GMT", NOW)).toBe(0);
    expect(parseRetryAfter("-1", NOW)).toBeUndefined();
    expect(parseRetryAfter("1.5", NOW)).toBeUndefined();
    expect(parseRetryAfter("soon", NOW)).toBeUndefined();
    expect(parseRetryAfter(null, NOW)).toBeUndefined();
  });
});

describe("which failures are transient", () => {
  it("408, 429, 500 and 502/503/504, not other statuses", () => {
    expect([408, 429, 500, 502, 503, 504].map(transientStatus)).toEqual([
      "request timeout (HTTP 408)",
      "rate limited (HTTP 429)",
      "internal server error (HTTP 500)",
      "bad gateway (HTTP 502)",
      "service unavailable (HTTP 503)",
      "gateway timeout (HTTP 504)",
    ]);
    expect([200, 400, 401, 403, 404, 405, 416, 501].map(transientStatus)).toEqual([null, null, null, null, null, null, null, null]);
  });
});

describe("backoff", () => {
  it("doubles each retry up to the cap, with half of each wait random", () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffMs(n, policy, () => 0))).toEqual([500, 1000, 2000, 4000, 4000]);
    expect([1, 2, 3, 4, 5].map((n) => backoffMs(n, policy, () => 1))).toEqual([1000, 2000, 4000, 8000, 8000]);
  });

  it("honours Retry-After instead of its own backoff", () => {
    expect(decideRetry({ reason: "r", retryAfterMs: 12_000 }, 1, 0, policy, () => 0)).toEqual({ retry: true, waitMs: 12_000 });
  });

  it("stops after the configured retries", () => {
    expect(decideRetry({ reason: "r" }, 4, 0, policy, () => 0)).toEqual({ retry: true, waitMs: 4000 });
    expect(decideRetry({ reason: "r" }, 5, 0, policy, () => 0)).toEqual({ retry: false, why: "gave up after 5 attempts (IMAGE_REGISTRY_RETRIES=4)" });
  });

  it("stops when the next wait would pass the total bound, and says whether the server asked for it", () => {
    expect(decideRetry({ reason: "r" }, 3, 27_000, policy, () => 1)).toEqual({
      retry: false,
      why: "gave up after 3 attempts in 27.0 s: beyond the 30.0 s allowed (IMAGE_REGISTRY_RETRY_MAX_SECONDS)",
    });
    expect(decideRetry({ reason: "r", retryAfterMs: 3_600_000 }, 1, 100, policy, () => 1).retry).toBe(false);
    expect((decideRetry({ reason: "r", retryAfterMs: 3_600_000 }, 1, 100, policy, () => 1) as { why: string }).why).toBe(
      "gave up after 1 attempt in 100 ms: the registry asked to wait 1h00m00s, beyond the 30.0 s allowed (IMAGE_REGISTRY_RETRY_MAX_SECONDS)",
    );
  });

  it("is off with 0 retries", () => {
    expect(decideRetry({ reason: "r" }, 1, 0, { ...DEFAULT_RETRY_POLICY, retries: 0 }, () => 0).retry).toBe(false);
  });
});

describe("withRetries", () => {
  /** A fake clock that sleeping advances, so nothing waits. */
  function fakeTime() {
    let now = 0;
    const waits: number[] = [];
    const sleep = async (ms: number): Promise<void> => {
      waits.push(ms);
      now += ms;
    };
    return { now: () => now, sleep, waits, tick: (ms: number) => (now += ms) };
  }
  const classify = (o: Outcome<number>) =>
    o.ok && o.value === 503
      ? { reason: "service unavailable (HTTP 503)" }
      : !o.ok
        ? null
        : o.value === 429
          ? { reason: "rate limited (HTTP 429)", retryAfterMs: 2000 }
          : null;

  it("retries transient outcomes, announcing each wait, and returns the first good one", async () => {
    const t = fakeTime();
    const answers = [429, 503, 200];
    const lines: string[] = [];
    const r = await withRetries("GET /v2/ on registry r", async () => answers.shift()!, classify, {
      policy,
      onRetry: (l) => lines.push(l),
      ...t,
      random: () => 0,
    });
    expect(r).toEqual({ outcome: { ok: true, value: 200 }, attempts: 3, elapsedMs: 3000 });
    expect(t.waits).toEqual([2000, 1000]);
    expect(lines).toEqual([
      "  ↻ GET /v2/ on registry r: rate limited (HTTP 429); waiting 2.0 s as its Retry-After asked, then retry 1 of 4",
      "  ↻ GET /v2/ on registry r: service unavailable (HTTP 503); waiting 1.0 s, then retry 2 of 4",
    ]);
  });

  it("gives up on a failure that stays, within the bound, with the last outcome and why", async () => {
    const t = fakeTime();
    const r = await withRetries("op", async () => 503, classify, { policy, onRetry: () => undefined, ...t, random: () => 1 });
    expect(r.attempts).toBe(5);
    expect(r.outcome).toEqual({ ok: true, value: 503 });
    expect(t.waits).toEqual([1000, 2000, 4000, 8000]);
    expect(r.gaveUp).toBe("service unavailable (HTTP 503); gave up after 5 attempts (IMAGE_REGISTRY_RETRIES=4)");
    expect(r.elapsedMs).toBeLessThanOrEqual(policy.maxTotalMs);
  });

  it("does not retry a thrown error the classifier calls final", async () => {
    let calls = 0;
    const r = await withRetries(
      "op",
      async () => {
        calls++;
        throw new Error("no");
      },
      classify,
      { policy, onRetry: () => undefined, sleep: async () => undefined },
    );
    expect(calls).toBe(1);
    expect(r.outcome.ok).toBe(false);
  });
});
