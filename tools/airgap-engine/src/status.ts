import { existsSync, readFileSync } from "node:fs";
import { parseEnv } from "node:util";
import type { HarnessConfig } from "./config.ts";
import { parseBinfmtEntry } from "./elf.ts";
import { capture } from "./exec.ts";
import { formatPlatform, type ImageIndex } from "@image-tooling/oci-registry";
import { currentDaggerBuild } from "./steps/dagger.ts";
import { engineVersion, inspectEngine } from "./steps/engine.ts";
import { dockerReady, pidAlive, readPid } from "./steps/host.ts";
import { harnessRegistry, ourRegistryPid, registryAnswers } from "./steps/registry.ts";

export interface HarnessStatus {
  daggerVersion: string;
  envFile: { path: string; present: boolean; vars?: Record<string, string> };
  dockerd: { running: boolean; version?: string; startedByHarness: boolean; pid?: number };
  registry: {
    addr: string;
    running: boolean;
    pid?: number;
    storage: string;
    repositories: Array<{ name: string; tags: Array<{ tag: string; digest?: string; platforms?: string[] }> }>;
  };
  engine: { container: string; exists: boolean; running: boolean; image?: string; version?: string; network?: string };
  /** The registry as the engine reaches it (bridge address), when the env file names it. */
  engineRegistry?: { addr: string; answers: boolean };
  cli: { path: string; present: boolean };
  arm64: { registered: boolean; flags?: string };
  cache: { dir: string; usage?: string };
}

async function du(dir: string): Promise<string | undefined> {
  if (!existsSync(dir)) return undefined;
  const r = await capture("du", ["-sh", dir], { allowFail: true });
  return r.stdout.split(/\s+/)[0];
}

export async function collectStatus(cfg: HarnessConfig): Promise<HarnessStatus> {
  const envPresent = existsSync(cfg.envFile);
  const dockerUp = await dockerReady();
  const dockerPid = readPid(cfg.dockerd.pidFile);
  const client = harnessRegistry(cfg.registry.addr);
  const regUp = await registryAnswers(cfg.registry.addr);
  const repositories: HarnessStatus["registry"]["repositories"] = [];
  if (regUp) {
    for (const name of await client.catalog()) {
      const tags = [];
      for (const tag of (await client.listTags(name)).sort()) {
        try {
          const m = await client.getManifest(name, tag);
          const listed = (m.json as Partial<ImageIndex>).manifests ?? [];
          tags.push({ tag, digest: m.digest, platforms: listed.flatMap((d) => (d.platform ? [formatPlatform(d.platform)] : [])) });
        } catch {
          tags.push({ tag });
        }
      }
      repositories.push({ name, tags });
    }
  }
  let cli = { path: "", present: false };
  try {
    const b = currentDaggerBuild(cfg);
    cli = { path: b.cli, present: existsSync(b.cli) };
  } catch {
    // no overlay for this version: the CLI cannot have been built
  }
  const engine = dockerUp ? await inspectEngine(cfg) : undefined;
  const envVars = envPresent ? (parseEnv(readFileSync(cfg.envFile, "utf8")) as Record<string, string>) : undefined;
  const engineRegistryAddr = envVars?.HARNESS_ENGINE_REGISTRY;
  const binfmt = "/proc/sys/fs/binfmt_misc/qemu-aarch64";
  const entry = existsSync(binfmt) ? parseBinfmtEntry(readFileSync(binfmt, "utf8")) : undefined;
  return {
    daggerVersion: cfg.daggerTag,
    envFile: { path: cfg.envFile, present: envPresent, vars: envVars },
    dockerd: {
      running: dockerUp,
      version: dockerUp ? (await capture("docker", ["version", "--format", "{{.Server.Version}}"], { allowFail: true })).stdout.trim() : undefined,
      startedByHarness: Boolean(dockerPid && pidAlive(dockerPid) && existsSync(cfg.dockerd.startedMarker)),
      pid: dockerPid && pidAlive(dockerPid) ? dockerPid : undefined,
    },
    registry: { addr: cfg.registry.addr, running: regUp, pid: ourRegistryPid(cfg), storage: cfg.registry.storageDir, repositories },
    engine: {
      container: cfg.engine.containerName,
      exists: Boolean(engine),
      running: Boolean(engine?.running),
      image: engine?.image,
      version: engine?.running && cli.present ? await engineVersion(cfg, cli.path) : undefined,
      network: engine?.network,
    },
    engineRegistry: engineRegistryAddr ? { addr: engineRegistryAddr, answers: await registryAnswers(engineRegistryAddr) } : undefined,
    cli,
    arm64: { registered: Boolean(entry?.enabled), flags: entry?.flags },
    cache: { dir: cfg.cacheDir, usage: await du(cfg.cacheDir) },
  };
}

const mark = (ok: boolean) => (ok ? "●" : "○");
const MAX_TAG_LINES = 25;

export function renderStatus(s: HarnessStatus): string {
  const lines = [
    `Dagger (SDK pin)   ${s.daggerVersion}`,
    `${mark(s.dockerd.running)} dockerd          ${s.dockerd.running ? `running, ${s.dockerd.version}${s.dockerd.startedByHarness ? ` (started by harness, pid ${s.dockerd.pid})` : " (not started by harness)"}` : "not running"}`,
    `${mark(s.registry.running)} registry         ${s.registry.running ? `http://${s.registry.addr}${s.registry.pid ? ` (pid ${s.registry.pid})` : " (not the harness's!)"}` : "not running"}, storage ${s.registry.storage}`,
  ];
  // Seeded images first; test runs push many throwaway repositories after them.
  const seeded = (name: string) => (name.startsWith("library/") ? 0 : 1);
  const tags = [...s.registry.repositories]
    .sort((a, b) => seeded(a.name) - seeded(b.name) || a.name.localeCompare(b.name))
    .flatMap((repo) =>
      repo.tags.map((t) => `                     ${repo.name}:${t.tag}  ${t.digest ?? "?"}${t.platforms?.length ? `  [${t.platforms.join(", ")}]` : ""}`),
    );
  lines.push(...tags.slice(0, MAX_TAG_LINES));
  if (tags.length > MAX_TAG_LINES) lines.push(`                     … ${tags.length - MAX_TAG_LINES} more tags (status --json lists all)`);
  lines.push(
    `${mark(s.engine.running)} engine           ${s.engine.exists ? `${s.engine.container} ${s.engine.running ? "running" : "stopped"}, image ${s.engine.image}${s.engine.version ? `, answers ${s.engine.version}` : ""}` : "no container"}`,
    `  topology         ${s.engine.network ? `${s.engine.network === "host" ? "host network (not how users run engines: provision again)" : `own network (Docker network "${s.engine.network}"), as the Dagger CLI starts engines`}` : "unknown"}`,
    `${mark(Boolean(s.engineRegistry?.answers))} engine registry  ${s.engineRegistry ? `http://${s.engineRegistry.addr} ${s.engineRegistry.answers ? "answers" : "does not answer"} (the registry as the engine reaches it)` : "not configured"}`,
    `${mark(s.cli.present)} dagger CLI       ${s.cli.path || "unknown"}${s.cli.present ? "" : " (not built)"}`,
    `${mark(s.arm64.registered && (s.arm64.flags ?? "").includes("F"))} arm64 emulation  ${s.arm64.registered ? `qemu-aarch64, flags ${s.arm64.flags}` : "not registered"}`,
    `${mark(s.envFile.present)} env file         ${s.envFile.path}${s.envFile.present ? "" : " (missing: run `npm run harness -- provision`)"}`,
  );
  if (s.envFile.vars) for (const [k, v] of Object.entries(s.envFile.vars)) lines.push(`                     ${k}=${v}`);
  lines.push(`  cache            ${s.cache.dir}${s.cache.usage ? ` (${s.cache.usage})` : " (empty)"}`);
  return lines.join("\n");
}
