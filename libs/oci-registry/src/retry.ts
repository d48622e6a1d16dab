import { formatDuration } from "@image-tooling/cli-support";
/**
 * When to try a registry operation again, and how long to wait first: pure
 * policy (clock, sleep and randomness are passed in) so it is tested without
 * waiting. Registries rate-limit (429, with `Retry-After`) and fail transiently
 * (408, 500, 502/503/504, dropped connections); anything else is an answer,
 * not a fault. 500 is among them as go-containerregistry has it: the
 * distribution registry answers 500 to a read that races a write of the same
 * tag (its filesystem store writes a tag's link in place), which is exactly
 * what a publish waiting for another publisher of the same version does.
 */

export interface RetryPolicy {
  /** Retries after the first attempt (IMAGE_REGISTRY_RETRIES). 0 turns retrying off. */
  retries: number;
  /** Bound on the whole operation, waits included (IMAGE_REGISTRY_RETRY_MAX_SECONDS). */
  maxTotalMs: number;
  /** First backoff; doubles each retry. */
  baseMs: number;
  /** Longest single backoff when the server gives no Retry-After. */
  capMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { retries: 5, maxTotalMs: 120_000, baseMs: 1_000, capMs: 20_000 };

/** A failure worth another attempt: why, and how long the server asked us to wait, if it did. */
export interface Transient {
  reason: string;
  retryAfterMs?: number;
}

export type RetryDecision = { retry: true; waitMs: number } | { retry: false; why: string };

const STATUS_REASONS: Record<number, string> = {
  408: "request timeout (HTTP 408)",
  429: "rate limited (HTTP 429)",
  500: "internal server error (HTTP 500)",
  502: "bad gateway (HTTP 502)",
  503: "service unavailable (HTTP 503)",
  504: "gateway timeout (HTTP 504)",
};

/** The reason an HTTP status is transient, or null when it is a real answer. */
export function transientStatus(status: number): string | null {
  return STATUS_REASONS[status] ?? null;
}

/**
 * `Retry-After` as milliseconds from `nowMs`: delay-seconds or an HTTP-date
 * (RFC 9110 §10.2.3). Unparseable values are ignored (undefined), a date in
 * the past is 0.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  if (!/[a-z]/i.test(v)) return undefined;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** Exponential backoff with "equal jitter": half fixed, half random, so concurrent clients spread out but never retry at once. */
export function backoffMs(retry: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** (retry - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/**
 * After `attempts` attempts taking `elapsedMs` so far, the last of which
 * failed transiently: wait and retry, or give up (and why).
 */
export function decideRetry(failure: Transient, attempts: number, elapsedMs: number, policy: RetryPolicy, random: () => number): RetryDecision {
  if (attempts > policy.retries) return { retry: false, why: `gave up after ${attempts} attempts (IMAGE_REGISTRY_RETRIES=${policy.retries})` };
  const waitMs = failure.retryAfterMs ?? backoffMs(attempts, policy, random);
  const left = policy.maxTotalMs - elapsedMs;
  if (waitMs > left) {
    const asked = failure.retryAfterMs === undefined ? "" : `the registry asked to wait ${formatDuration(waitMs)}, `;
    return {
      retry: false,
      why: `gave up after ${attempts} attempt${attempts > 1 ? "s" : ""} in ${formatDuration(elapsedMs)}: ${asked}beyond the ${formatDuration(policy.maxTotalMs)} allowed (IMAGE_REGISTRY_RETRY_MAX_SECONDS)`,
    };
  }
  return { retry: true, waitMs };
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

export interface RetryDeps {
  policy: RetryPolicy;
  /** Told before each wait, in words: what failed, the wait, which retry. */
  onRetry: (message: string) => void;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  random?: () => number;
}

export interface Retried<T> {
  outcome: Outcome<T>;
  attempts: number;
  elapsedMs: number;
  /** Set when the last outcome was still transient: why no further attempt was made. */
  gaveUp?: string;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Runs `attempt` until its outcome is not transient (per `classify`) or the
 * policy gives up; returns the last outcome with how many attempts it took.
 * `what` names the operation in the retry lines (`GET /v2/… on registry x`).
 */
export async function withRetries<T>(
  what: string,
  attempt: () => Promise<T>,
  classify: (o: Outcome<T>) => Transient | null,
  deps: RetryDeps,
): Promise<Retried<T>> {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? realSleep;
  const random = deps.random ?? Math.random;
  const t0 = now();
  for (let attempts = 1; ; attempts++) {
    let outcome: Outcome<T>;
    try {
      outcome = { ok: true, value: await attempt() };
    } catch (error) {
      outcome = { ok: false, error };
    }
    const transient = classify(outcome);
    if (!transient) return { outcome, attempts, elapsedMs: now() - t0 };
    const decision = decideRetry(transient, attempts, now() - t0, deps.policy, random);
    if (!decision.retry) return { outcome, attempts, elapsedMs: now() - t0, gaveUp: `${transient.reason}; ${decision.why}` };
    const asked = transient.retryAfterMs === undefined ? "" : " as its Retry-After asked";
    deps.onRetry(`  ↻ ${what}: ${transient.reason}; waiting ${formatDuration(decision.waitMs)}${asked}, then retry ${attempts} of ${deps.policy.retries}`);
    await sleep(decision.waitMs);
  }
}
