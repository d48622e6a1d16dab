import { readFileSync, rmSync, writeFileSync } from "node:fs";
import type { HarnessConfig } from "../config.ts";
import { HarnessError } from "../errors.ts";
import { capture, waitFor } from "../exec.ts";
import type { StepResult } from "../runner.ts";
import { pidAlive, readPid, spawnDaemon } from "./host.ts";
import { listenerOf, registryAnswers } from "./registry.ts";

/**
 * This machine's address on the engine's Docker network (the bridge's
 * gateway). The engine, in its own network namespace, reaches the machine
 * only there; the host reaches it too, since it is one of its own addresses.
 */
export async function bridgeHost(cfg: HarnessConfig): Promise<string> {
  const r = await capture(
    "docker",
    ["network", "inspect", cfg.bridge.network, "--format", '{{range .IPAM.Config}}{{.Gateway}} {{end}}|{{index .Options "com.docker.network.bridge.name"}}'],
    { allowFail: true },
  );
  const [gateways = "", bridgeName = ""] = r.stdout.trim().split("|");
  // Docker 20.10 leaves the default bridge's gateway out of IPAM; the bridge interface holds it
  // (read with ip(8): Node lists only interfaces that carry traffic, and docker0 has none until a container runs).
  const gateway = gateways.split(/\s+/).find(isIPv4) ?? (bridgeName ? await interfaceAddress(bridgeName) : undefined);
  if (r.exitCode !== 0 || !gateway) {
    throw new HarnessError(
      `cannot read the gateway address of Docker network "${cfg.bridge.network}": ${(r.stderr || r.stdout).trim() || "no IPv4 gateway"}`,
      "the engine joins Docker's default bridge; check `docker network inspect bridge` (dockerd started with --bridge=none has none)",
    );
  }
  return gateway;
}

const isIPv4 = (a: string): boolean => /^\d{1,3}(\.\d{1,3}){3}$/.test(a);

async function interfaceAddress(name: string): Promise<string | undefined> {
  const r = await capture("ip", ["-4", "-o", "addr", "show", "dev", name], { allowFail: true });
  return /\binet (\d{1,3}(?:\.\d{1,3}){3})\//.exec(r.stdout)?.[1];
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean).join(" ");
  } catch {
    return "";
  }
}

/** socat arguments: listen on the bridge address only, so nothing beyond this machine's bridge can connect. */
export function forwarderArgs(bridge: string, port: number, target: string): string[] {
  return [`TCP-LISTEN:${port},bind=${bridge},reuseaddr,fork`, `TCP:${target}`];
}

function ourForwarderPid(cfg: HarnessConfig, args: readonly string[]): number | undefined {
  const pid = readPid(cfg.bridge.forwarderPidFile);
  if (pid && pidAlive(pid) && cmdline(pid) === `socat ${args.join(" ")}`) return pid;
  return undefined;
}

/**
 * The registry, which listens on loopback only, forwarded onto the bridge
 * address (bridge:5000 → 127.0.0.1:5000) for the engine: its docker.io mirror
 * and the target registry of the e2e tests, as CI reaches Docker Hub — over
 * the network from inside the engine.
 */
export async function ensureForwarder(cfg: HarnessConfig, bridge: string): Promise<StepResult> {
  const addr = `${bridge}:${cfg.registry.port}`;
  const args = forwarderArgs(bridge, cfg.registry.port, cfg.registry.addr);
  const running = ourForwarderPid(cfg, args);
  if (running && (await registryAnswers(addr))) return { cached: true, detail: `running (pid ${running}) ${addr} → ${cfg.registry.addr}` };
  await stopForwarder(cfg);
  const holder = listenerOf(cfg.registry.port, bridge);
  if (holder) throw new HarnessError(`${addr} is held by ${holder}`, "stop it and provision again: the engine reaches the registry there");
  const pid = spawnDaemon("socat", args, cfg.bridge.forwarderLogFile);
  writeFileSync(cfg.bridge.forwarderPidFile, `${pid}\n`);
  if (!(await waitFor(() => registryAnswers(addr), 10_000, 200))) {
    throw new HarnessError(`the registry does not answer at ${addr} through the forwarder`, `read ${cfg.bridge.forwarderLogFile}`, cfg.bridge.forwarderLogFile);
  }
  return { cached: false, detail: `started (pid ${pid}) ${addr} → ${cfg.registry.addr}` };
}

export async function stopForwarder(cfg: HarnessConfig): Promise<string> {
  const pid = readPid(cfg.bridge.forwarderPidFile);
  rmSync(cfg.bridge.forwarderPidFile, { force: true });
  if (!pid || !pidAlive(pid) || !cmdline(pid).startsWith("socat ")) return "forwarder: not running";
  process.kill(pid, "SIGTERM");
  await waitFor(async () => !pidAlive(pid), 5_000);
  return `forwarder: stopped pid ${pid}`;
}
