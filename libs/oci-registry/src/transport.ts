import { RegistryError, type Redactor } from "./errors.ts";
import { type Outcome, parseRetryAfter, type RetryDeps, type Transient, transientStatus, withRetries } from "./retry.ts";
import { formatDuration } from "@image-tooling/cli-support";

/** Who we were talking to, for the message when it goes wrong. */
export interface TransportContext {
  /** The registry as configured. */
  registry: string;
  repository?: string;
  /** Human name of the server, e.g. `registry 127.0.0.1:5000` or `the token service of registry docker.io (auth.docker.io)`. */
  target: string;
  /** What the user should check when it cannot be reached. */
  hint: string;
  /** How long an exchange may go without progress (connected, a chunk sent, headers, a chunk received) before it is dropped. */
  timeoutMs: number;
  redactor: Redactor;
  /** Retry 408, 429, 500, 502/503/504 and reset, refused, cut or stalled connections under this policy; absent: one attempt. */
  retry?: RetryDeps;
}

/**
 * A request body: bytes, or a function that opens the content anew for each
 * attempt (so a retry can send it again) and yields it in chunks: a layer of
 * hundreds of MB streams through and is never held in memory whole.
 */
export type RequestBody = Buffer | (() => Chunks);

/** Content in chunks: a file stream, a generator. */
export type Chunks = AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

export interface HttpRequest {
  method?: "GET" | "HEAD" | "PUT" | "POST" | "PATCH";
  headers?: Record<string, string>;
  body?: RequestBody;
  /** Leave a 2xx response's body unread, for the caller to stream (`HttpResponse.stream`); other answers are read whole. */
  streamResponse?: boolean;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  /** The whole body, read under the same deadline as the request (empty when `stream` is set). */
  body: Buffer;
  /**
   * With `streamResponse`, a 2xx body as it arrives. The deadline then bounds
   * the silence between chunks rather than the whole transfer; a stall or a
   * dropped connection mid-body fails as a RegistryError.
   */
  stream?: AsyncIterable<Uint8Array>;
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

/**
 * Connection failures worth another attempt: the link or the server dropped
 * us (restart, proxy, load balancer, a flaky network), refused us (a registry
 * restarting), or a TLS handshake was cut (Node reports that as a reset).
 * A wrong host, a certificate or a plain-HTTP mismatch is not among them: a
 * retry cannot change those.
 */
const TRANSIENT_NETWORK = new Set(["connection reset", "connection closed unexpectedly", "connection refused", "connection timed out"]);

/** The reason a RegistryError from an exchange is worth another attempt, or null. */
function transientFailure(e: unknown): string | null {
  if (!(e instanceof RegistryError) || e.kind !== "unreachable") return null;
  if (e.cause instanceof StallError) return e.cause.message;
  const reason = networkReason(e.cause);
  return reason && TRANSIENT_NETWORK.has(reason) ? reason : null;
}

/** An exchange that made no progress within the window: the link stalled or the server stopped answering. */
class StallError extends Error {}

function transient(o: Outcome<HttpResponse>, now: number): Transient | null {
  if (o.ok) {
    const reason = transientStatus(o.value.status);
    if (!reason) return null;
    const retryAfterMs = parseRetryAfter(o.value.headers.get("retry-after"), now);
    return { reason, ...(retryAfterMs !== undefined && { retryAfterMs }) };
  }
  const reason = transientFailure(o.error);
  return reason ? { reason } : null;
}

/**
 * One HTTP exchange, retried under `ctx.retry` while the registry fails
 * transiently; each retry is announced. A Buffer body is resent as is, a
 * streamed one is opened again.
 */
export function send(url: URL, req: HttpRequest, ctx: TransportContext): Promise<HttpResponse> {
  const method = req.method ?? "GET";
  return retrying({ what: `${method} ${url.pathname} on ${ctx.target}`, short: `${method} ${url.pathname}` }, () => sendOnce(url, req, ctx), ctx.retry);
}

/**
 * Runs `attempt` (one or more exchanges that must succeed or fail together,
 * such as a blob upload's POST and PUT) again while its outcome is transient.
 * A transient answer that stays is returned with `gaveUp` set; a failure that
 * stays is thrown with what was tried appended.
 */
export async function retrying(
  name: { what: string; short: string },
  attempt: () => Promise<HttpResponse>,
  retry: RetryDeps | undefined,
): Promise<HttpResponse> {
  if (!retry || retry.policy.retries === 0) return attempt();
  const now = retry.now ?? Date.now;
  const r = await withRetries(name.what, attempt, (o) => transient(o, now()), retry);
  if (r.outcome.ok) return r.gaveUp ? { ...r.outcome.value, gaveUp: r.gaveUp } : r.outcome.value;
  const e = r.outcome.error;
  if (r.gaveUp && e instanceof RegistryError) {
    throw new RegistryError(e.kind, `${e.message} (${name.short}: ${r.gaveUp})`, {
      registry: e.registry,
      ...(e.repository && { repository: e.repository }),
      ...(e.cause !== undefined && { cause: e.cause }),
    });
  }
  throw e;
}

/**
 * Aborts an exchange after `ms` without progress: armed when it starts and
 * again on each sign of life (each chunk of a body sent, the answer's
 * headers, each chunk of its body), never as a deadline for the whole
 * exchange. So a connection that opens and then stalls (or never opens: a
 * link that closes it at accept leaves fetch waiting) is dropped within `ms`
 * and tried again, while a layer of any size takes as long as it needs while
 * it moves.
 */
class Deadline {
  readonly #controller = new AbortController();
  readonly #ms: number;
  #timer: NodeJS.Timeout | undefined;

  constructor(ms: number) {
    this.#ms = ms;
    this.arm();
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** `extraMs`: more time this once (the answer to an upload, see `uploading`). */
  arm(extraMs = 0): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#controller.abort(new DOMException(`no progress within ${this.#ms} ms`, "TimeoutError")), this.#ms + extraMs);
  }

  stop(): void {
    clearTimeout(this.#timer);
  }
}

async function* progressing(source: Chunks, deadline: Deadline): AsyncIterable<Uint8Array> {
  for await (const chunk of source) {
    deadline.arm();
    yield chunk;
  }
}

/** The content being uploaded could not be read (a file gone, a generator that threw): our fault, not the registry's. */
class SourceError extends Error {}

/**
 * The last chunk handed to the socket is not the last one on the wire: up to
 * the socket buffers' worth (a few MB) may still be leaving at the link's
 * pace, and we cannot see it go. So the wait for the answer to an upload
 * allows that much at a slow link's rate on top of the window.
 */
const IN_FLIGHT_BYTES = 16 << 20;
const SLOW_LINK_BYTES_PER_MS = 256;

/** Bodies above this are sent in slices, so their progress is seen (a small one goes in one write). */
const STREAM_ABOVE = 256 << 10;

function* slices(bytes: Buffer): Iterable<Uint8Array> {
  for (let at = 0; at < bytes.length; at += 64 << 10) yield bytes.subarray(at, at + (64 << 10));
}

async function* uploading(source: Chunks, deadline: Deadline): AsyncIterable<Uint8Array> {
  let sent = 0;
  try {
    for await (const chunk of progressing(source, deadline)) {
      sent += chunk.length;
      yield chunk;
    }
  } catch (e) {
    throw new SourceError(e instanceof Error ? e.message : String(e), { cause: e });
  }
  deadline.arm(Math.min(sent, IN_FLIGHT_BYTES) / SLOW_LINK_BYTES_PER_MS);
}

/**
 * A web stream that reads `source` one chunk per pull, passing each chunk on
 * as it is: fetch copies every chunk of an async-iterable body, which would
 * leave a layer's worth of garbage behind a big upload.
 */
function pulled(source: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
  const it = source[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await it.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel(reason) {
      await it.return?.(reason);
    },
  });
}

async function sendOnce(url: URL, req: HttpRequest, ctx: TransportContext): Promise<HttpResponse> {
  const method = req.method ?? "GET";
  const within = formatDuration(ctx.timeoutMs);
  const failure = (e: unknown, during: string): RegistryError => {
    const fail = (kind: "unreachable" | "protocol", message: string, cause?: unknown): RegistryError =>
      new RegistryError(kind, ctx.redactor.redact(message), {
        registry: ctx.registry,
        ...(ctx.repository && { repository: ctx.repository }),
        ...(cause !== undefined && { cause }),
      });
    if (e instanceof RegistryError) return e;
    const source = e instanceof SourceError ? e : (e as { cause?: unknown })?.cause;
    if (source instanceof SourceError) return fail("protocol", `reading what to send in ${method} ${url.pathname} to ${ctx.target} failed: ${source.message}`);
    if (isTimeout(e) || isTimeout((e as { cause?: unknown })?.cause)) {
      const stall = new StallError(`no progress for ${within}`);
      return fail("unreachable", `${ctx.target} did not ${during} ${method} ${url.pathname} within ${within}: ${ctx.hint}`, stall);
    }
    const reason = networkReason(e);
    // Network errors name only host, port and code, so they are safe to keep as the cause.
    if (reason) return fail("unreachable", `cannot reach ${ctx.target} (${reason}): ${ctx.hint}`, e);
    // Anything else (e.g. a header value fetch refused) may quote what we sent: keep only the redacted text.
    return fail("protocol", `${method} ${url.pathname} to ${ctx.target} failed: ${e instanceof Error ? e.message : String(e)}`);
  };
  const deadline = new Deadline(ctx.timeoutMs);
  let answered = false;
  const source = typeof req.body === "function" ? req.body() : req.body && req.body.length > STREAM_ABOVE ? slices(req.body) : undefined;
  const body = source ? pulled(uploading(source, deadline)) : req.body;
  try {
    const init = { method, headers: req.headers, signal: deadline.signal, ...(body && { body }), ...(source && { duplex: "half" }) };
    const res = await fetch(url, init as RequestInit);
    answered = true;
    // The headers are progress: the body (streamed to the caller or read here) gets a fresh window.
    deadline.arm();
    const base = { status: res.status, headers: res.headers, url: res.url || url.href };
    if (req.streamResponse && res.ok && res.body && method !== "HEAD") {
      const chunks = res.body as unknown as AsyncIterable<Uint8Array>;
      const stream = (async function* () {
        try {
          yield* progressing(chunks, deadline);
        } catch (e) {
          throw failure(e, "finish sending the answer to");
        } finally {
          deadline.stop();
        }
      })();
      return { ...base, body: Buffer.alloc(0), stream };
    }
    const bytes = method === "HEAD" || !res.body ? Buffer.alloc(0) : await readAll(progressing(res.body as unknown as AsyncIterable<Uint8Array>, deadline));
    deadline.stop();
    return { ...base, body: bytes };
  } catch (e) {
    deadline.stop();
    throw failure(e, answered ? "finish sending the answer to" : source ? "make progress on" : "answer");
  }
}

async function readAll(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const c of chunks) parts.push(c);
  return Buffer.concat(parts);
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
