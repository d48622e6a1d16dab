import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** What the proxy does with one request instead of passing it through. */
export type Fault = { status: number; headers?: Record<string, string>; body?: string } | "reset";

export interface SeenRequest {
  method: string;
  path: string;
  /** What the proxy did: `pass`, `reset` or the status it answered with. */
  outcome: "pass" | "reset" | number;
  at: number;
}

/** Decides, per request, whether to inject a fault; undefined passes the request to the registry. */
export type FaultRule = (req: { method: string; path: string }) => Fault | undefined | Promise<Fault | undefined>;

export interface FaultProxy {
  /** `<host>:<port>` to use as IMAGE_REGISTRY. */
  host: string;
  /** Every request, in order, with what the proxy did. */
  readonly seen: SeenRequest[];
  /** Replaces the rule (e.g. to start failing half way through a run). */
  setRule(rule: FaultRule | undefined): void;
  stop(): Promise<void>;
}

/**
 * An HTTP proxy in front of a real registry that can answer some requests
 * itself (429 with Retry-After, 503) or drop their connection, so tests see
 * how the pipeline and the engine behave against a misbehaving registry.
 * The Host header passes through unchanged, so the upload URLs the registry
 * hands out point back at the proxy.
 */
export async function startFaultProxy(upstream: string, options: { host?: string; port?: number; rule?: FaultRule } = {}): Promise<FaultProxy> {
  const [upHost, upPort] = [upstream.slice(0, upstream.lastIndexOf(":")), Number(upstream.slice(upstream.lastIndexOf(":") + 1))];
  let rule = options.rule;
  const seen: SeenRequest[] = [];
  const server: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const info = { method: req.method ?? "GET", path: req.url ?? "/" };
    req.pause();
    const fault = await rule?.(info);
    if (fault === "reset") {
      seen.push({ ...info, outcome: "reset", at: Date.now() });
      req.socket.destroy();
      return;
    }
    if (fault) {
      seen.push({ ...info, outcome: fault.status, at: Date.now() });
      // Drain what the client sends first, so it reads our answer rather than a reset.
      req.resume();
      req.on("end", () =>
        res
          .writeHead(fault.status, { "content-type": "application/json", ...fault.headers })
          .end(fault.body ?? JSON.stringify({ errors: [{ code: "UNAVAILABLE", message: "injected fault" }] })),
      );
      return;
    }
    seen.push({ ...info, outcome: "pass", at: Date.now() });
    const up = request({ host: upHost, port: upPort, method: req.method, path: req.url, headers: req.headers }, (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      upRes.pipe(res);
    });
    up.on("error", () => req.socket.destroy());
    req.pipe(up);
  });
  const bindHost = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, bindHost, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    host: `${bindHost}:${port}`,
    seen,
    setRule(r) {
      rule = r;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/** A rule that answers the first `times` requests matching `match` with `fault`, then passes everything. */
export function firstN(times: number, fault: Fault, match: (req: { method: string; path: string }) => boolean = () => true): FaultRule {
  let left = times;
  return (req) => {
    if (left > 0 && match(req)) {
      left--;
      return fault;
    }
    return undefined;
  };
}
