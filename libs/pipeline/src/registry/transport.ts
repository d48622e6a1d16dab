import { RegistryError, type Redactor } from "./errors.ts";
import { parseRetryAfter, transientStatus, withRetries, type Outcome, type RetryDeps, type Transient } from "./retry.ts";

/** Who we were talking to, for the message when it goes wrong. */
export interface TransportContext {
  /** The registry as configured. */
  registry: string;
  repository?: string;
  /** Human name of the server, e.g. `registry 127.0.0.1:5000` or `the token service of registry docker.io (auth.docker.io)`. */
  target: string;
  /** What the user should check when it cannot be reached. */
  hint: string;
  timeoutMs: number;
  redactor: Redactor;
  /** Retry 429, 502/503/504 and dropped connections under this policy; absent: one attempt. */
  retry?: RetryDeps;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  /** The whole body, read under the same deadline as the request. */
  body: Buffer;
  url: string;
  /** Set when this is still a transient failure after the retries: what was tried, for the final message. */
  gaveUp?: string;
}

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  EPIPE: "connection reset",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host name lookup failed",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ETIMEDOUT: "connection timed out",
  UND_ERR_CONNECT_TIMEOUT: "connection timed out",
  UND_ERR_SOCKET: "connection closed unexpectedly",
  ERR_SSL_WRONG_VERSION_NUMBER: "TLS handshake failed: it may serve plain http, which only loopback registries may use",
  EPROTO: "TLS handshake failed: it may serve plain http, which only loopback registries may use",
};

function errorCode(e: unknown): string | undefined {
  if (typeof e !== "object" || e === null) return undefined;
  const o = e as { code?: unknown; errors?: unknown[] };
  if (typeof o.code === "string") return o.code;
  // `localhost` resolves to ::1 and 127.0.0.1; Node tries both and reports an AggregateError.
  return Array.isArray(o.errors) ? errorCode(o.errors[0]) : undefined;
}

/** Why a fetch could not complete, in words, or null when it is not a network failure. */
export function networkReason(e: unknown): string | null {
  const cause = (e as { cause?: unknown })?.cause;
  const code = errorCode(cause) ?? errorCode(e);
  if (!code) return null;
  if (NETWORK_REASONS[code]) return NETWORK_REASONS[code];
  if (/CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)/.test(code)) return `untrusted TLS certificate (${code}): add its CA to NODE_EXTRA_CA_CERTS`;
  return code;
}

const isTimeout = (e: unknown): boolean => (e as { name?: unknown })?.name === "TimeoutError";

/** Connection failures worth another attempt: the server dropped us mid-exchange (restart, proxy, load balancer). */
const TRANSIENT_NETWORK = new Set(["connection reset", "connection closed unexpectedly"]);

function transient(o: Outcome<HttpResponse>, now: number): Transient | null {
  if (o.ok) {
    const reason = transientStatus(o.value.status);
    if (!reason) return null;
    const retryAfterMs = parseRetryAfter(o.value.headers.get("retry-after"), now);
    return { reason, ...(retryAfterMs !== undefined && { retryAfterMs }) };
  }
  const reason = o.error instanceof RegistryError && o.error.kind === "unreachable" ? networkReason(o.error.cause) : null;
  return reason && TRANSIENT_NETWORK.has(reason) ? { reason } : null;
}

/**
 * One HTTP exchange, retried under `ctx.retry` while the registry fails
 * transiently; each retry is announced. Request bodies are Buffers, so
 * resending one is safe.
 */
export async function send(url: URL, init: RequestInit, ctx: TransportContext): Promise<HttpResponse> {
  if (!ctx.retry || ctx.retry.policy.retries === 0) return sendOnce(url, init, ctx);
  const now = ctx.retry.now ?? Date.now;
  const r = await withRetries(`${init.method ?? "GET"} ${url.pathname} on ${ctx.target}`, () => sendOnce(url, init, ctx), (o) => transient(o, now()), ctx.retry);
  if (r.outcome.ok) return r.gaveUp ? { ...r.outcome.value, gaveUp: r.gaveUp } : r.outcome.value;
  const e = r.outcome.error;
  if (r.gaveUp && e instanceof RegistryError) {
    throw new RegistryError(e.kind, `${e.message} (${init.method ?? "GET"} ${url.pathname}: ${r.gaveUp})`, { registry: e.registry, ...(e.repository && { repository: e.repository }), ...(e.cause !== undefined && { cause: e.cause }) });
  }
  throw e;
}

/**
 * One HTTP exchange with a deadline covering the whole response, so a registry
 * that accepts the connection and then stalls fails as clearly as one that is down.
 */
async function sendOnce(url: URL, init: RequestInit, ctx: TransportContext): Promise<HttpResponse> {
  const method = init.method ?? "GET";
  const fail = (kind: "unreachable" | "protocol", message: string, cause?: unknown): RegistryError =>
    new RegistryError(kind, ctx.redactor.redact(message), { registry: ctx.registry, ...(ctx.repository && { repository: ctx.repository }), ...(cause !== undefined && { cause }) });
  const seconds = `${Math.round(ctx.timeoutMs / 100) / 10}s`;
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(ctx.timeoutMs) });
    const body = method === "HEAD" ? Buffer.alloc(0) : Buffer.from(await res.arrayBuffer());
    return { status: res.status, headers: res.headers, body, url: res.url || url.href };
  } catch (e) {
    if (isTimeout(e)) throw fail("unreachable", `${ctx.target} did not answer ${method} ${url.pathname} within ${seconds}: ${ctx.hint}`);
    const reason = networkReason(e);
    // Network errors name only host, port and code, so they are safe to keep as the cause.
    if (reason) throw fail("unreachable", `cannot reach ${ctx.target} (${reason}): ${ctx.hint}`, e);
    // Anything else (e.g. a header value fetch refused) may quote what we sent: keep only the redacted text.
    throw fail("protocol", `${method} ${url.pathname} to ${ctx.target} failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The `errors` array of a Distribution API error body, as `CODE: message` strings. */
export function registryErrors(body: Buffer): string[] {
  try {
    const parsed = JSON.parse(body.toString("utf8")) as { errors?: { code?: string; message?: string }[] };
    return (parsed.errors ?? []).map((e) => [e.code, e.message].filter(Boolean).join(": ")).filter(Boolean);
  } catch {
    return [];
  }
}

/** A short, single-line quote of a response for an error message. */
export function describeResponse(res: HttpResponse): string {
  const errors = registryErrors(res.body);
  if (errors.length > 0) return `HTTP ${res.status} (${errors.join("; ").slice(0, 300)})`;
  const text = res.body.toString("utf8").replace(/\s+/g, " ").trim().slice(0, 200);
  return text ? `HTTP ${res.status} (${text})` : `HTTP ${res.status}`;
}
