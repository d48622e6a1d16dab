import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { newKey, openssl } from "./openssl.ts";

/**
 * A local HTTPS server that STANDS IN for upstream hosts this machine cannot
 * reach (GitHub's API and release downloads, dl.k8s.io, get.helm.sh, ...).
 * Its certificate is issued by a throw-away CA for every host name it plays,
 * so the updater's TLS checks run as they would against the real hosts; the
 * updater is told to connect here (connectTo) and to trust the CA (ca).
 * Routes are keyed by "host/path?query"; anything else answers 404. Every
 * request is recorded.
 */
export interface Route {
  status?: number;
  body?: string | Buffer;
  headers?: Record<string, string>;
}

export interface UpstreamServer {
  port: number;
  /** PEM of the CA that issued the server's certificate. */
  ca: string;
  caFile: string;
  route(url: string, route: Route | string | Buffer): void;
  unroute(url: string): void;
  requests: { url: string; headers: Record<string, string | string[] | undefined> }[];
  connectTo: (host: string, port: number) => { host: string; port: number };
  close(): Promise<void>;
}

/** A CA and a leaf certificate for the given names (openssl, from Debian's base system). */
function issue(dir: string, names: string[]): { ca: string; key: string; cert: string } {
  newKey(dir, {
    keyFile: "ca.key",
    out: "ca.pem",
    subject: "/CN=tools-update test CA",
    extensions: ["basicConstraints=critical,CA:TRUE", "keyUsage=critical,keyCertSign"],
  });
  newKey(dir, { keyFile: "leaf.key", out: "leaf.csr", subject: "/CN=upstream stand-in", request: true });
  writeFileSync(join(dir, "ext.cnf"), `subjectAltName=${[...names.map((n) => `DNS:${n}`), "IP:127.0.0.1"].join(",")}\nextendedKeyUsage=serverAuth\n`);
  openssl(dir, [
    "x509",
    "-req",
    "-in",
    "leaf.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    "leaf.pem",
    "-days",
    "2",
    "-extfile",
    "ext.cnf",
  ]);
  return { ca: readFileSync(join(dir, "ca.pem"), "utf8"), key: readFileSync(join(dir, "leaf.key"), "utf8"), cert: readFileSync(join(dir, "leaf.pem"), "utf8") };
}

export async function startUpstreamServer(hosts: string[]): Promise<UpstreamServer> {
  const dir = mkdtempSync(join(tmpdir(), "upstream-stand-in-"));
  const { ca, key, cert } = issue(dir, ["localhost", ...hosts]);
  const routes = new Map<string, Route>();
  const requests: UpstreamServer["requests"] = [];
  const keyOf = (url: string): string => {
    const u = new URL(url);
    return `${u.hostname}${u.pathname}${u.search}`;
  };
  const server: Server = createServer({ key, cert }, (req, res) => {
    const host = (req.headers.host ?? "").replace(/:\d+$/, "");
    const url = `https://${host}${req.url}`;
    requests.push({ url, headers: req.headers });
    const r = routes.get(keyOf(url));
    if (!r) {
      res.writeHead(404, { "content-type": "text/plain" }).end(`no route for ${url}\n`);
      return;
    }
    res.writeHead(r.status ?? 200, r.headers ?? {}).end(r.body ?? "");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    ca,
    caFile: join(dir, "ca.pem"),
    route: (url, route) => void routes.set(keyOf(url), typeof route === "string" || Buffer.isBuffer(route) ? { body: route } : route),
    unroute: (url) => void routes.delete(keyOf(url)),
    requests,
    connectTo: () => ({ host: "127.0.0.1", port }),
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A download as its host serves it. A GitHub release asset (github.com)
 * answers with a redirect to its storage host, objects.githubusercontent.com,
 * which answers with the bytes, so the client's redirect handling is part of
 * the test; other hosts answer directly.
 */
export function serveDownload(s: UpstreamServer, url: string, body: string | Buffer): void {
  const u = new URL(url);
  if (u.hostname === "github.com") {
    const storage = `https://objects.githubusercontent.com/assets${u.pathname}`;
    s.route(url, { status: 302, headers: { location: storage } });
    s.route(storage, body);
  } else {
    s.route(url, body);
  }
}
