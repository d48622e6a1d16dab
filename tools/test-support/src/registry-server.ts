import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requireBinary } from "./binaries.ts";

/** A throwaway `docker-registry` (distribution v2) on a free port (loopback, or the harness bridge), storage in a temp dir. */
export interface TestRegistry {
  /** `127.0.0.1:<port>` (or `<bridge>:<port>`): what IMAGE_REGISTRY would say. */
  host: string;
  dir: string;
  /** What the registry printed so far (for failure messages). */
  output(): string;
  /** Kills the process at once (SIGKILL), as a crash would; the storage stays for `restart`. */
  kill(): Promise<void>;
  /** Serves the same storage at the same address again after `kill`. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface TestRegistryOptions {
  /** Basic auth with these users (bcrypt, via `htpasswd -B`). */
  htpasswd?: { username: string; password: string }[];
  /** Bearer token auth against a token server (see token-server.ts). */
  token?: { realm: string; service: string; issuer: string; rootCertBundle: string };
  /**
   * `bridge`: listen where the harness engine, in its own network, reaches
   * it (HARNESS_BRIDGE_HOST, a port of HARNESS_TEST_PORTS, plain HTTP in the
   * engine's config) — for registries the engine itself must push to or pull
   * from. Default: loopback, for registries only this process talks to.
   */
  listen?: "loopback" | "bridge";
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

function htpasswdFile(users: { username: string; password: string }[]): string {
  const htpasswd = requireBinary("htpasswd", "apache2-utils");
  return users
    .map(({ username, password }) => {
      // -i: the password goes through stdin, not argv where `ps` would show it.
      const r = spawnSync(htpasswd, ["-niB", username], { input: password, encoding: "utf8" });
      if (r.status !== 0) throw new Error(`htpasswd failed: ${r.stderr}`);
      return r.stdout.trim();
    })
    .join("\n");
}

function portFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/**
 * A free `host:port` the harness engine reaches over its bridge, from the
 * env file's HARNESS_BRIDGE_HOST and HARNESS_TEST_PORTS; throws when the
 * harness does not say (run provision).
 */
export async function bridgeAddress(env: Record<string, string | undefined> = process.env): Promise<string> {
  const host = env.HARNESS_BRIDGE_HOST;
  const range = /^(\d+)-(\d+)$/.exec(env.HARNESS_TEST_PORTS ?? "");
  if (!host || !range)
    throw new Error("HARNESS_BRIDGE_HOST / HARNESS_TEST_PORTS are not set: call loadHarnessEnv() first (run `npm run harness -- provision`)");
  const first = Number(range[1]);
  const last = Number(range[2]);
  // Start at a random port so test files running side by side rarely probe the same one.
  const offset = Math.floor(Math.random() * (last - first + 1));
  for (let i = 0; i <= last - first; i++) {
    const port = first + ((offset + i) % (last - first + 1));
    if (await portFree(host, port)) return `${host}:${port}`;
  }
  throw new Error(`no free port in HARNESS_TEST_PORTS ${first}-${last} on ${host}: stop leftover test registries`);
}

async function waitUntilServing(host: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`docker-registry exited (${child.exitCode ?? child.signalCode}) before serving:\n${output()}`);
    try {
      await fetch(`http://${host}/v2/`, { signal: AbortSignal.timeout(500) });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  throw new Error(`docker-registry did not serve http://${host}/v2/ within 10s:\n${output()}`);
}

export async function startTestRegistry(options: TestRegistryOptions = {}): Promise<TestRegistry> {
  const binary = requireBinary("docker-registry", "docker-registry");
  const dir = await mkdtemp(join(tmpdir(), "test-registry-"));
  let auth: Record<string, unknown> | undefined;
  if (options.htpasswd) {
    await writeFile(join(dir, "htpasswd"), htpasswdFile(options.htpasswd) + "\n");
    auth = { htpasswd: { realm: "test-registry", path: join(dir, "htpasswd") } };
  } else if (options.token) {
    auth = {
      token: { realm: options.token.realm, service: options.token.service, issuer: options.token.issuer, rootcertbundle: options.token.rootCertBundle },
    };
  }
  // Another process can take the port between probing and binding; try a few.
  for (let attempt = 0; ; attempt++) {
    const host = options.listen === "bridge" ? await bridgeAddress() : `127.0.0.1:${await freePort()}`;
    const config = {
      version: 0.1,
      log: { level: "warn", accesslog: { disabled: true } },
      storage: { filesystem: { rootdirectory: join(dir, "data") }, delete: { enabled: true } },
      http: { addr: host, secret: randomBytes(16).toString("hex") },
      ...(auth && { auth }),
    };
    // JSON is YAML, so no YAML writer is needed.
    await writeFile(join(dir, "config.yml"), JSON.stringify(config, null, 2));
    let out = "";
    const serve = (): ChildProcess => {
      const c = spawn(binary, ["serve", join(dir, "config.yml")], { stdio: ["ignore", "pipe", "pipe"] });
      c.stdout!.on("data", (d: Buffer) => (out += d.toString()));
      c.stderr!.on("data", (d: Buffer) => (out += d.toString()));
      return c;
    };
    let child = serve();
    const output = () => out;
    const running = () => child.exitCode === null && child.signalCode === null;
    try {
      await waitUntilServing(host, child, output);
    } catch (e) {
      child.kill("SIGKILL");
      if (attempt < 3 && /address already in use/.test(out)) continue;
      await rm(dir, { recursive: true, force: true });
      throw e;
    }
    return {
      host,
      dir,
      output,
      async kill() {
        if (!running()) return;
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGKILL");
        await exited;
      },
      async restart() {
        if (running()) throw new Error(`the registry at ${host} is still running: kill() it first`);
        child = serve();
        await waitUntilServing(host, child, output);
      },
      async stop() {
        if (running()) {
          const exited = new Promise((r) => child.once("exit", r));
          child.kill("SIGTERM");
          const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
          await exited;
          clearTimeout(timer);
        }
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
}
