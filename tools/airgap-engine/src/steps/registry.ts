import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { RegistryClient } from "@image-tooling/oci-registry";
import type { HarnessConfig } from "../config.ts";
import { HarnessError } from "../errors.ts";
import { capture, waitFor } from "../exec.ts";
import { renderRegistryConfig } from "../render.ts";
import type { StepResult } from "../runner.ts";
import { pidAlive, readPid, spawnDaemon } from "./host.ts";

/**
 * The pipeline's registry client for a harness registry: plain HTTP (the
 * harness's registries, on loopback or the engine's bridge, have no TLS), no
 * credentials.
 */
export function harnessRegistry(addr: string): RegistryClient {
  return new RegistryClient({ registry: addr, plainHttp: true });
}

/**
 * Whether a distribution registry answers at `addr`, asked once with a short
 * deadline: for polling a registry that is starting, where a failure is an
 * answer ("not yet"), not something to retry.
 */
export async function registryAnswers(addr: string): Promise<boolean> {
  const probe = new RegistryClient({ registry: addr, plainHttp: true, timeoutMs: 2000, retry: { retries: 0 } });
  return probe.ping().then(
    () => true,
    () => false,
  );
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean).join(" ");
  } catch {
    return "";
  }
}

/** Our registry: the pid in our pidfile, alive, serving our config file. */
export function ourRegistryPid(cfg: HarnessConfig): number | undefined {
  const pid = readPid(cfg.registry.pidFile);
  if (pid && pidAlive(pid) && cmdline(pid).includes(cfg.registry.configFile)) return pid;
  return undefined;
}

function portOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port, timeout: 1000 });
    sock.once("connect", () => {
      sock.destroy();
      resolve(true);
    });
    sock.once("error", () => resolve(false));
    sock.once("timeout", () => {
      sock.destroy();
      resolve(false);
    });
  });
}

/**
 * Best effort: which process listens on a TCP port (via /proc, no extra
 * tools); with `ip`, only a listener that takes connections to that IPv4
 * address (bound to it or to every address).
 */
export function listenerOf(port: number, ip?: string): string | undefined {
  const l = listener(port, ip);
  return l && (l.pid ? `pid ${l.pid}: ${l.cmdline || "?"}` : l.cmdline);
}

/** /proc/net/tcp writes an IPv4 address as 8 hex digits in host (little-endian) order. */
export function procNetAddress(hex: string): string {
  return [6, 4, 2, 0].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(".");
}

function listener(port: number, ip?: string): { pid?: number; cmdline: string } | undefined {
  const inodes = new Set<string>();
  for (const table of ip ? ["/proc/net/tcp"] : ["/proc/net/tcp", "/proc/net/tcp6"]) {
    if (!existsSync(table)) continue;
    for (const line of readFileSync(table, "utf8").split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      const local = cols[1];
      if (!local || cols[3] !== "0A") continue; // 0A = LISTEN
      const [address, hexPort] = local.split(":");
      if (ip && ![ip, "0.0.0.0"].includes(procNetAddress(address ?? ""))) continue;
      if (parseInt(hexPort ?? "", 16) === port) inodes.add(cols[9]!);
    }
  }
  if (inodes.size === 0) return undefined;
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m && inodes.has(m[1]!)) return { pid: Number(pid), cmdline: cmdline(Number(pid)) };
      } catch {
        // fds come and go while we look
      }
    }
  }
  return { cmdline: "an unknown process (another network namespace?)" };
}

async function portHolderError(cfg: HarnessConfig): Promise<HarnessError> {
  const holder = listenerOf(cfg.registry.port) ?? "something";
  let fix = `stop it and provision again`;
  if (/docker-proxy/.test(holder)) fix = "a Docker container publishes port 5000: `docker ps --filter publish=5000`, stop it, then provision again";
  else if ((await capture("systemctl", ["is-active", "docker-registry"], { allowFail: true })).stdout.trim() === "active") {
    fix =
      "Debian's docker-registry service holds it: `systemctl disable --now docker-registry`, then provision again (the harness runs its own, loopback only)";
  }
  return new HarnessError(`port ${cfg.registry.port} is held by ${holder}, not by the harness registry`, fix);
}

/**
 * Debian's distribution v2 registry on 127.0.0.1:5000 with storage under the
 * state dir. Reused when ours already runs with the same config.
 */
export async function ensureRegistry(cfg: HarnessConfig): Promise<StepResult> {
  const config = renderRegistryConfig({ addr: cfg.registry.addr, storageDir: cfg.registry.storageDir });
  mkdirSync(cfg.registry.storageDir, { recursive: true });
  mkdirSync(path.dirname(cfg.registry.logFile), { recursive: true });
  const sameConfig = existsSync(cfg.registry.configFile) && readFileSync(cfg.registry.configFile, "utf8") === config;
  const running = ourRegistryPid(cfg);
  if (running && sameConfig && (await registryAnswers(cfg.registry.addr))) {
    return { cached: true, detail: `running (pid ${running}) at ${cfg.registry.addr}` };
  }
  if (running) {
    process.kill(running, "SIGTERM");
    await waitFor(async () => !pidAlive(running), 10_000);
  }
  const holder = listener(cfg.registry.port);
  if (holder?.pid && holder.cmdline.includes("docker-registry") && holder.cmdline.includes(cfg.registry.configFile)) {
    // Our own registry whose pidfile went missing (state dir wiped by hand).
    process.kill(holder.pid, "SIGTERM");
    await waitFor(async () => !pidAlive(holder.pid!), 10_000);
  } else if ((await portOpen(cfg.registry.host, cfg.registry.port)) || holder) {
    throw await portHolderError(cfg);
  }
  writeFileSync(cfg.registry.configFile, config);
  rmSync(cfg.registry.pidFile, { force: true });
  const pid = spawnDaemon("docker-registry", ["serve", cfg.registry.configFile], cfg.registry.logFile);
  writeFileSync(cfg.registry.pidFile, `${pid}\n`);
  const up = await waitFor(() => registryAnswers(cfg.registry.addr), 20_000, 250);
  if (!up) {
    throw new HarnessError(
      `docker-registry did not answer on http://${cfg.registry.addr}/v2/ within 20 s`,
      `read ${cfg.registry.logFile}`,
      cfg.registry.logFile,
    );
  }
  return { cached: false, detail: `started (pid ${pid}) at ${cfg.registry.addr}, storage ${cfg.registry.storageDir}` };
}

export async function stopRegistry(cfg: HarnessConfig): Promise<string> {
  const pid = ourRegistryPid(cfg);
  if (!pid) return "registry: not running";
  process.kill(pid, "SIGTERM");
  await waitFor(async () => !pidAlive(pid), 10_000);
  rmSync(cfg.registry.pidFile, { force: true });
  return `registry: stopped pid ${pid}`;
}
