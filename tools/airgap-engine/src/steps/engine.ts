import { spawn } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { HarnessConfig } from "../config.ts";
import { ENGINE_IMAGE_BINARIES, ENGINE_IMAGE_CHANGES, ENGINE_IMAGE_SYMLINKS, engineRunArgs, missingCapabilities } from "../engine-spec.ts";
import { HarnessError } from "../errors.ts";
import { capture, run, waitFor, withProgress } from "../exec.ts";
import { cacheKey, ENGINE_ROOTFS_PACKAGES, engineImageRef, rootfsKey, type RootfsRecipe } from "../plan.ts";
import { renderEngineEntrypoint, renderEngineJson } from "../render.ts";
import type { StepResult } from "../runner.ts";
import type { DaggerBuild } from "./dagger.ts";
import { debootstrap } from "./images.ts";

const ENGINE_ROOTFS_REVISION = 1;

export function engineRecipe(cfg: HarnessConfig): RootfsRecipe {
  return { suite: cfg.debian.suite, arch: "amd64", variant: "minbase", include: ENGINE_ROOTFS_PACKAGES, slim: false, revision: ENGINE_ROOTFS_REVISION };
}

function engineRootfsDir(cfg: HarnessConfig): { dir: string; done: string } {
  const key = rootfsKey(engineRecipe(cfg));
  const dir = path.join(cfg.cacheDir, "rootfs", `engine-${cfg.debian.suite}-amd64-${key}`);
  return { dir, done: `${dir}.done` };
}

/** Debian rootfs with the engine's runtime packages (Debian's runc, CNI plugins, tini). */
export async function ensureEngineRootfs(cfg: HarnessConfig): Promise<StepResult> {
  const { dir, done } = engineRootfsDir(cfg);
  if (existsSync(done) && existsSync(dir)) return { cached: true, detail: dir };
  rmSync(done, { force: true });
  await debootstrap(cfg, engineRecipe(cfg), dir, path.join(cfg.logsDir, "debootstrap-engine.log"));
  for (const sub of ["dev", "proc", "sys", "run"]) {
    rmSync(path.join(dir, sub), { recursive: true, force: true });
    mkdirSync(path.join(dir, sub), { mode: 0o755 });
  }
  const runc = (await capture("chroot", [dir, "/usr/sbin/runc", "--version"])).stdout.split("\n")[0];
  writeFileSync(done, `${runc}\n`);
  return { cached: false, detail: `${ENGINE_ROOTFS_PACKAGES.length} extra packages; ${runc}` };
}

export function engineImageKey(cfg: HarnessConfig, dagger: DaggerBuild): string {
  return cacheKey({
    rootfs: rootfsKey(engineRecipe(cfg)),
    dagger: dagger.key,
    entrypoint: renderEngineEntrypoint(),
    symlinks: ENGINE_IMAGE_SYMLINKS,
    binaries: ENGINE_IMAGE_BINARIES,
    changes: ENGINE_IMAGE_CHANGES,
  });
}

async function imageExists(ref: string): Promise<boolean> {
  return (await capture("docker", ["image", "inspect", "--format", "{{.Id}}", ref], { allowFail: true })).exitCode === 0;
}

/** Rootfs plus the Dagger binaries, imported as one image with upstream's entrypoint. */
export async function ensureEngineImage(cfg: HarnessConfig, dagger: DaggerBuild): Promise<StepResult & { ref: string }> {
  const key = engineImageKey(cfg, dagger);
  const ref = engineImageRef(cfg.engine.imageRepo, cfg.daggerTag, key);
  if (await imageExists(ref)) return { cached: true, detail: ref, ref };

  const { dir: rootfs, done } = engineRootfsDir(cfg);
  if (!existsSync(done)) throw new HarnessError(`engine rootfs ${rootfs} is missing`, "run provision again; the rootfs step rebuilds it");
  const extra = path.join(cfg.cacheDir, "work", `engine-extra-${key}`);
  rmSync(extra, { recursive: true, force: true });
  for (const [bin, rel] of Object.entries(ENGINE_IMAGE_BINARIES)) {
    mkdirSync(path.dirname(path.join(extra, rel)), { recursive: true });
    copyFileSync(path.join(dagger.binDir, bin), path.join(extra, rel));
    chmodSync(path.join(extra, rel), 0o755);
  }
  for (const [rel, target] of Object.entries(ENGINE_IMAGE_SYMLINKS)) {
    mkdirSync(path.dirname(path.join(extra, rel)), { recursive: true });
    symlinkSync(target, path.join(extra, rel));
  }
  writeFileSync(path.join(extra, "usr/local/bin/dagger-entrypoint.sh"), renderEngineEntrypoint(), { mode: 0o755 });
  mkdirSync(path.join(extra, "etc/dagger"), { recursive: true });
  writeFileSync(path.join(extra, "etc/dagger/engine.toml"), "");
  mkdirSync(path.join(extra, "var/lib/dagger"), { recursive: true });

  const log = path.join(cfg.logsDir, "engine-image.log");
  // docker import rejects a tar that names a path twice, so rootfs and extras
  // are merged first: hard links keep that cheap, and --remove-destination
  // makes sure no cached rootfs file is written through a link.
  const staging = path.join(cfg.cacheDir, "work", `engine-image-${key}`);
  rmSync(staging, { recursive: true, force: true });
  await run("cp", ["-al", rootfs, staging], { log });
  await run("cp", ["-a", "--remove-destination", `${extra}/.`, `${staging}/`], { log });
  const changes = [...ENGINE_IMAGE_CHANGES, `LABEL org.opencontainers.image.version=${cfg.daggerTag}`, `LABEL image-tooling.harness.key=${key}`];
  await withProgress(cfg.progressIntervalMs, "importing the engine image", async () => {
    const tar = spawn("tar", ["--create", "--file=-", "--numeric-owner", `--directory=${staging}`, "."], { stdio: ["ignore", "pipe", "pipe"] });
    const importArgs = ["import", ...changes.flatMap((c) => ["--change", c]), "-", ref];
    const imp = spawn("docker", importArgs, { stdio: ["pipe", "pipe", "pipe"] });
    // A failing import closes its stdin early; its own exit status reports why.
    imp.stdin.on("error", () => {});
    tar.stdout.pipe(imp.stdin);
    let err = "";
    tar.stderr.on("data", (d) => (err += String(d)));
    imp.stderr.on("data", (d) => (err += String(d)));
    const [tarCode, impCode] = await Promise.all([
      new Promise<number>((r) => tar.on("close", (c) => r(c ?? 1))),
      new Promise<number>((r) => imp.on("close", (c) => r(c ?? 1))),
    ]);
    writeFileSync(log, `docker ${importArgs.join(" ")}\n${err}`, { flag: "a" });
    if (impCode !== 0 || tarCode !== 0) {
      throw new HarnessError(`importing the engine image failed (tar exit ${tarCode}, docker import exit ${impCode}): ${err.trim()}`, `see ${log}`, log);
    }
  });
  rmSync(extra, { recursive: true, force: true });
  rmSync(staging, { recursive: true, force: true });
  // Older harness engine images are dead weight once the new one exists.
  const old = (await capture("docker", ["image", "ls", "--format", "{{.Repository}}:{{.Tag}}", cfg.engine.imageRepo])).stdout
    .split("\n")
    .filter((r) => r && r !== ref);
  for (const r of old) await capture("docker", ["image", "rm", r], { allowFail: true });
  return { cached: false, detail: ref, ref };
}

function hostMissingCaps(): string[] {
  const status = readFileSync("/proc/self/status", "utf8");
  const bnd = /^CapBnd:\s*([0-9a-f]+)/m.exec(status)?.[1] ?? "0";
  const last = Number(readFileSync("/proc/sys/kernel/cap_last_cap", "utf8").trim());
  // Docker 20.10 only knows capabilities up to AUDIT_READ (37); newer ones are never requested.
  return missingCapabilities(bnd, Math.min(last, 37));
}

interface ContainerState {
  running: boolean;
  image: string;
  spec?: string;
  /** Docker network mode: `bridge` as users' engines run; `host` was this harness's old topology. */
  network?: string;
}

export async function inspectEngine(cfg: HarnessConfig): Promise<ContainerState | undefined> {
  const r = await capture(
    "docker",
    [
      "container",
      "inspect",
      "--format",
      '{{json .State.Running}} {{json .Config.Image}} {{json (index .Config.Labels "image-tooling.harness.spec")}} {{json .HostConfig.NetworkMode}}',
      cfg.engine.containerName,
    ],
    { allowFail: true },
  );
  if (r.exitCode !== 0) return undefined;
  const [running, image, spec, network] = r.stdout
    .trim()
    .split(" ")
    .map((s) => JSON.parse(s) as unknown);
  return {
    running: running === true,
    image: String(image),
    spec: typeof spec === "string" ? spec : undefined,
    network: typeof network === "string" ? network : undefined,
  };
}

/** The engine's address on its network, where clients reach it as they would a remote engine. */
export async function engineTcpAddress(cfg: HarnessConfig): Promise<string> {
  const r = await capture(
    "docker",
    ["container", "inspect", "--format", "{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}", cfg.engine.containerName],
    { allowFail: true },
  );
  const ip = r.stdout.split(/\s+/).find(Boolean);
  if (r.exitCode !== 0 || !ip)
    throw new HarnessError(`cannot read the address of ${cfg.engine.containerName}: ${(r.stderr || r.stdout).trim()}`, "run provision again");
  return `tcp://${ip}:${cfg.engine.tcpPort}`;
}

/** Asks the engine for its version through the CLI, the same path the SDK takes. */
export async function engineVersion(
  cfg: HarnessConfig,
  cli: string,
  runnerHost = `docker-container://${cfg.engine.containerName}`,
): Promise<string | undefined> {
  const r = await capture(cli, ["core", "version", "--progress=plain"], {
    allowFail: true,
    env: {
      _EXPERIMENTAL_DAGGER_RUNNER_HOST: runnerHost,
      DO_NOT_TRACK: "1",
      DAGGER_NO_NAG: "1",
      DAGGER_NO_UPDATE_CHECK: "1",
    },
  });
  const v = r.stdout.trim().split("\n").pop()?.trim();
  return r.exitCode === 0 && v ? v : undefined;
}

/**
 * The engine container: started by us the way the Dagger CLI starts one for
 * users — in its own network (Docker's default bridge), never the host's —
 * with the registry mirror config, which names the bridge address, mounted
 * from the state dir.
 */
export async function ensureEngineContainer(cfg: HarnessConfig, imageRef: string, dagger: DaggerBuild, bridgeHost: string): Promise<StepResult> {
  const engineJson = renderEngineJson({ bridgeHost, registryPort: cfg.registry.port, testPorts: cfg.bridge.testPorts });
  mkdirSync(path.dirname(cfg.engine.configFile), { recursive: true });
  const jsonChanged = !existsSync(cfg.engine.configFile) || readFileSync(cfg.engine.configFile, "utf8") !== engineJson;
  if (jsonChanged) writeFileSync(cfg.engine.configFile, engineJson);
  const missingCaps = hostMissingCaps();
  const base = {
    name: cfg.engine.containerName,
    image: imageRef,
    volume: cfg.engine.volumeName,
    engineJson: cfg.engine.configFile,
    network: cfg.bridge.network,
    tcpPort: cfg.engine.tcpPort,
    missingCaps,
  };
  const spec = cacheKey({ args: engineRunArgs({ ...base, labels: {} }), engineJson });
  const current = await inspectEngine(cfg);
  if (current?.running && current.spec === spec) {
    const v = await engineVersion(cfg, dagger.cli);
    if (v === cfg.daggerTag) return { cached: true, detail: `${cfg.engine.containerName} running ${v}` };
  }
  if (current) await run("docker", ["rm", "--force", cfg.engine.containerName], { log: path.join(cfg.logsDir, "engine.log") });
  const args = engineRunArgs({ ...base, labels: { "image-tooling.harness.spec": spec } });
  await run("docker", args, {
    log: path.join(cfg.logsDir, "engine.log"),
    fix: "see the log; `docker logs image-tooling-dagger-engine` shows the engine's own output",
  });
  let version: string | undefined;
  const ready = await waitFor(
    async () => {
      version = await engineVersion(cfg, dagger.cli);
      return version !== undefined;
    },
    120_000,
    1000,
  );
  if (!ready) {
    const logs = await capture("docker", ["logs", "--tail", "30", cfg.engine.containerName], { allowFail: true });
    throw new HarnessError(
      `the Dagger engine did not answer within 120 s\n${logs.stdout}${logs.stderr}`,
      `inspect \`docker logs ${cfg.engine.containerName}\`; a kernel without overlayfs or cgroups, or a full disk, are the usual causes`,
    );
  }
  if (version !== cfg.daggerTag) {
    throw new HarnessError(
      `the engine reports ${version}, the SDK is ${cfg.daggerTag}`,
      "run provision again; it rebuilds the engine image for the SDK's version",
    );
  }
  const mode = missingCaps.length ? `privileged minus ${missingCaps.join(",")} (not in this host's bounding set)` : "privileged";
  return {
    cached: false,
    detail: `${cfg.engine.containerName} ${version}, ${mode}, network ${cfg.bridge.network} (registry at ${bridgeHost}:${cfg.registry.port})`,
  };
}

export async function stopEngine(cfg: HarnessConfig): Promise<string> {
  const current = await inspectEngine(cfg);
  if (!current) return "engine: no container";
  await capture("docker", ["rm", "--force", cfg.engine.containerName], { allowFail: true });
  return `engine: removed container ${cfg.engine.containerName}`;
}
