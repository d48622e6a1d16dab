import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import { request } from "node:https";
import { rootCertificates } from "node:tls";
import { mirrored, type MirrorEntry } from "./mirror.ts";

/**
 * HTTPS GETs for the updater and the helper installer: redirects followed (HTTPS only, at most 5),
 * TOOLS_MIRROR applied, a deadline per exchange, one retry on a server error
 * or a dropped connection (said in the log), and errors that name the host.
 */
export interface HttpOptions {
  mirror?: MirrorEntry[];
  /** Extra trusted CA certificates (PEM), besides Node's bundled roots. */
  ca?: string;
  /**
   * Connect somewhere else than the URL's host, like curl's --connect-to; TLS
   * still verifies the URL's host name. Used to stand a local server in for
   * upstream hosts that cannot be reached.
   */
  connectTo?: (host: string, port: number) => { host: string; port: number };
  /** Deadline for an exchange without progress. Default 30s. */
  timeoutMs?: number;
  log?: (line: string) => void;
}

export type FetchErrorKind = "unreachable" | "status" | "timeout" | "tls" | "too-large" | "redirect";

export class FetchError extends Error {
  override name = "FetchError";
  constructor(
    readonly kind: FetchErrorKind,
    message: string,
    readonly host: string,
    readonly status?: number,
    readonly headers?: IncomingHttpHeaders,
  ) {
    super(message);
  }
}

export interface GetOptions {
  headers?: Record<string, string>;
  /** Headers sent only to this origin (an API token never follows a redirect to a download host or a mirror). */
  originHeaders?: { origin: string; headers: Record<string, string> };
  /** Give up on a text body larger than this. Default 8 MiB. */
  maxBytes?: number;
}

const NETWORK: Record<string, string> = {
  ENOTFOUND: "host not found",
  EAI_AGAIN: "DNS lookup failed",
  ECONNREFUSED: "connection refused",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ECONNRESET: "connection reset",
};
const USER_AGENT = "image-tooling";
const MAX_REDIRECTS = 5;

export class Http {
  readonly #opts: HttpOptions;
  readonly #ca: string[] | undefined;

  constructor(opts: HttpOptions = {}) {
    this.#opts = opts;
    this.#ca = opts.ca ? [...rootCertificates, opts.ca] : undefined;
  }

  /** The body as text, for API answers and checksum files. */
  async text(url: string, options: GetOptions = {}): Promise<{ body: string; headers: IncomingHttpHeaders; url: string }> {
    const max = options.maxBytes ?? 8 * 1024 * 1024;
    return this.#withRetry(url, async (target) => {
      const { res, finalUrl } = await this.#open(target, options);
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > max) {
          res.destroy();
          throw new FetchError("too-large", `${finalUrl} is larger than ${max} bytes; is it the right URL?`, new URL(finalUrl).host);
        }
        chunks.push(chunk);
      }
      return { body: Buffer.concat(chunks).toString("utf8"), headers: res.headers, url: finalUrl };
    });
  }

  /** Streams a download and returns its sha256 (nothing is kept: only the hash matters). */
  async sha256(url: string): Promise<{ sha256: string; bytes: number }> {
    return this.#withRetry(url, async (target) => {
      const { res } = await this.#open(target, {});
      const hash = createHash("sha256");
      let bytes = 0;
      for await (const chunk of res as AsyncIterable<Buffer>) {
        hash.update(chunk);
        bytes += chunk.length;
      }
      return { sha256: hash.digest("hex"), bytes };
    });
  }

  /** Streams a download into `file` and returns its sha256: the caller checks it before anything uses the file. */
  async download(url: string, file: string): Promise<{ sha256: string; bytes: number }> {
    return this.#withRetry(url, async (target) => {
      const { res } = await this.#open(target, {});
      const hash = createHash("sha256");
      let bytes = 0;
      res.on("data", (chunk: Buffer) => {
        hash.update(chunk);
        bytes += chunk.length;
      });
      await pipeline(res, createWriteStream(file, { mode: 0o600 }));
      return { sha256: hash.digest("hex"), bytes };
    });
  }

  async #withRetry<T>(url: string, attempt: (target: string) => Promise<T>): Promise<T> {
    const target = mirrored(url, this.#opts.mirror ?? []);
    try {
      return await attempt(target);
    } catch (e) {
      const transient =
        e instanceof FetchError && (e.kind === "timeout" || (e.kind === "status" && (e.status ?? 0) >= 500) || e.message.includes(NETWORK.ECONNRESET!));
      if (!transient) throw e;
      this.#opts.log?.(`retrying ${target} once after: ${(e as Error).message}`);
      return attempt(target);
    }
  }

  /** Follows redirects to a 200 response; anything else is a FetchError. */
  async #open(start: string, options: GetOptions): Promise<{ res: IncomingMessage; finalUrl: string }> {
    let url = start;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const res = await this.#get(url, options);
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        const next = new URL(res.headers.location, url).toString();
        if (!next.startsWith("https://")) throw new FetchError("redirect", `${url} redirects to ${next}, which is not HTTPS`, new URL(url).host);
        url = next;
        continue;
      }
      if (status !== 200) {
        res.resume();
        throw new FetchError("status", `${url} answered HTTP ${status}`, new URL(url).host, status, res.headers);
      }
      return { res, finalUrl: url };
    }
    throw new FetchError("redirect", `${start} redirects more than ${MAX_REDIRECTS} times`, new URL(start).host);
  }

  #get(url: string, options: GetOptions): Promise<IncomingMessage> {
    const u = new URL(url);
    if (u.protocol !== "https:") return Promise.reject(new FetchError("redirect", `${url} is not an https:// URL`, u.host));
    const port = Number(u.port || 443);
    const connect = this.#opts.connectTo?.(u.hostname, port) ?? { host: u.hostname, port };
    const timeout = this.#opts.timeoutMs ?? 30_000;
    const headers: Record<string, string> = { "user-agent": USER_AGENT, host: u.host, ...options.headers };
    if (options.originHeaders && options.originHeaders.origin === u.origin) Object.assign(headers, options.originHeaders.headers);
    return new Promise((resolve, reject) => {
      const req = request(
        { host: connect.host, port: connect.port, servername: u.hostname, path: `${u.pathname}${u.search}`, method: "GET", headers, ca: this.#ca, timeout },
        resolve,
      );
      req.on("timeout", () => req.destroy(new FetchError("timeout", `${u.host} did not answer within ${timeout / 1000}s (${url})`, u.host)));
      req.on("error", (e: NodeJS.ErrnoException) => {
        if (e instanceof FetchError) return reject(e);
        const reason = NETWORK[e.code ?? ""];
        if (reason) return reject(new FetchError("unreachable", `cannot reach ${u.host} (${reason})`, u.host));
        if (/CERT|SSL|TLS|self.signed|verify/i.test(`${e.code} ${e.message}`))
          return reject(new FetchError("tls", `TLS with ${u.host} failed: ${e.message}`, u.host));
        reject(new FetchError("unreachable", `cannot reach ${u.host} (${e.message})`, u.host));
      });
      req.end();
    });
  }
}
