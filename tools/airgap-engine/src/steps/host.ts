import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statfsSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";
import type { HarnessConfig } from "../config.ts";
import { aarch64ExitProgram, parseBinfmtEntry } from "../elf.ts";
import { HarnessError } from "../errors.ts";
import { capture, commandExists, run, waitFor } from "../exec.ts";
import { HOST_PACKAGES, missingPackages, parseDpkgQuery } from "../plan.ts";
import type { StepResult } from "../runner.ts";

export function requireRoot(): void {
  if (process.getuid?.() !== 0) {
    throw new HarnessError(
      "the harness must run as root: it installs Debian packages, mounts binfmt_misc, starts dockerd and a registry",
      "run it as root, e.g. `sudo npm run harness -- provision`",
    );
  }
}

export async function requireApt(): Promise<void> {
  if (!(await commandExists("apt-get")) || !(await commandExists("dpkg-query"))) {
    throw new HarnessError(
      "apt-get/dpkg not found: the harness installs its tools from Debian packages",
      "run it on Debian 12 (bookworm) or a derivative with apt, reaching deb.debian.org",
    );
  }
}

/** Nearest existing ancestor, so free space can be checked before the directory exists. */
function existingAncestor(p: string): string {
  let dir = path.resolve(p);
  while (!existsSync(dir)) dir = path.dirname(dir);
  return dir;
}

export function freeGiB(p: string): number {
  const s = statfsSync(existingAncestor(p));
  return (s.bavail * s.bsize) / 1024 ** 3;
}

export function requireDisk(dirs: readonly string[], needGiB: number): void {
  for (const dir of new Set(dirs)) {
    const free = freeGiB(dir);
    if (free < needGiB) {
      throw new HarnessError(
        `not enough disk space: ${free.toFixed(1)} GiB free under ${existingAncestor(dir)}, provision needs ${needGiB} GiB there`,
        `free space there, or point IMAGE_TOOLING_CACHE_DIR / IMAGE_TOOLING_STATE_DIR at a larger disk`,
      );
    }
  }
}

/** Go module proxy reachability, checked only when something must be built. */
export async function requireGoProxy(proxy: string, daggerTag: string): Promise<void> {
  const url = `${proxy}/github.com/dagger/dagger/@v/${daggerTag}.info`;
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(20_000) });
  } catch (err) {
    const cause = (err as Error).cause as { code?: string; message?: string } | undefined;
    throw new HarnessError(
      `the Go module proxy ${proxy} is unreachable (${cause?.code ?? cause?.message ?? (err as Error).message})`,
      `this machine must reach ${proxy} over HTTPS to build Dagger the first time (set IMAGE_TOOLING_GOPROXY for a mirror), ` +
        "or copy a warm IMAGE_TOOLING_CACHE_DIR from a machine that built it",
    );
  }
  if (res.ok) return;
  throw new HarnessError(
    `the Go module proxy ${proxy} does not serve github.com/dagger/dagger@${daggerTag} (HTTP ${res.status})`,
    "pin @dagger.io/dagger in package-lock.json to a version the proxy serves (e.g. `npm install --save-exact @dagger.io/dagger@<version>`)",
  );
}

/** A Go new enough to honour GOTOOLCHAIN, which then fetches the pinned toolchain from the proxy. */
export async function findGo(): Promise<string> {
  for (const candidate of ["go", "/usr/local/go/bin/go", "/usr/lib/go/bin/go"]) {
    const r = await execa(candidate, ["env", "GOVERSION"], { reject: false, env: { GOTOOLCHAIN: "local" } });
    const m = /^go1\.(\d+)/.exec(String(r.stdout).trim());
    if (r.exitCode === 0 && m && Number(m[1]) >= 21) return candidate;
  }
  throw new HarnessError(
    "no Go >= 1.21 found (looked in PATH, /usr/local/go/bin, /usr/lib/go/bin)",
    "install Go >= 1.21 (e.g. unpack a Go release to /usr/local/go); the harness uses it only to fetch the pinned toolchain from the module proxy",
  );
}

export async function ensurePackages(cfg: HarnessConfig): Promise<StepResult> {
  const q = await capture("dpkg-query", ["-W", "-f", "${Package} ${db:Status-Status}\n", ...HOST_PACKAGES], { allowFail: true });
  const missing = missingPackages(parseDpkgQuery(q.stdout));
  if (missing.length === 0) return { cached: true, detail: `${HOST_PACKAGES.length} packages present` };
  const log = path.join(cfg.logsDir, "apt.log");
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  const fix = "check that deb.debian.org is reachable and apt sources are Debian 12 (bookworm); see the log";
  await run("apt-get", ["update"], { log, env, fix });
  await run("apt-get", ["install", "-y", "--no-install-recommends", ...missing], { log, env, fix });
  return { cached: false, detail: `installed ${missing.join(", ")}` };
}

const BINFMT_DIR = "/proc/sys/fs/binfmt_misc";
const QEMU_BINFMT_CONF = "/usr/lib/binfmt.d/qemu-aarch64.conf";

/**
 * arm64 emulation: binfmt_misc mounted, qemu-aarch64 registered with the F
 * (fix-binary) flag so it works inside containers, and a real arm64 program
 * runs.
 */
export async function ensureBinfmt(): Promise<StepResult> {
  const actions: string[] = [];
  if (!existsSync(path.join(BINFMT_DIR, "register"))) {
    const r = await capture("mount", ["-t", "binfmt_misc", "binfmt_misc", BINFMT_DIR], { allowFail: true });
    if (r.exitCode !== 0) {
      throw new HarnessError(
        `cannot mount binfmt_misc on ${BINFMT_DIR} (${r.stderr.trim()}): no arm64 emulation`,
        "run on a VM or host (or a privileged container) whose kernel has binfmt_misc: `modprobe binfmt_misc`, then provision again",
      );
    }
    actions.push("mounted binfmt_misc");
  }
  const entryPath = path.join(BINFMT_DIR, "qemu-aarch64");
  const readEntry = () => (existsSync(entryPath) ? parseBinfmtEntry(readFileSync(entryPath, "utf8")) : undefined);
  let entry = readEntry();
  if (entry && !entry.enabled) {
    writeFileSync(entryPath, "1");
    actions.push("re-enabled qemu-aarch64");
  } else if (!entry) {
    // binfmt-support's view can disagree with the kernel's (e.g. after a
    // remount), so fall back to the systemd-binfmt line qemu-user-static ships.
    const r = await capture("update-binfmts", ["--enable", "qemu-aarch64"], { allowFail: true });
    if (!existsSync(entryPath) && existsSync(QEMU_BINFMT_CONF)) {
      const line = readFileSync(QEMU_BINFMT_CONF, "utf8")
        .split("\n")
        .find((l) => l.startsWith(":qemu-aarch64:"));
      if (line) writeFileSync(path.join(BINFMT_DIR, "register"), line);
    }
    actions.push(r.exitCode === 0 ? "enabled qemu-aarch64" : "registered qemu-aarch64");
  }
  entry = readEntry();
  if (!entry?.enabled) {
    throw new HarnessError(
      "qemu-aarch64 is not registered in binfmt_misc: linux/arm64 containers cannot run",
      "install qemu-user-static and binfmt-support, then `update-binfmts --enable qemu-aarch64`",
    );
  }
  if (!entry.flags.includes("F")) {
    throw new HarnessError(
      `qemu-aarch64 is registered without the F (fix-binary) flag (flags: "${entry.flags}"): arm64 programs would fail inside containers`,
      "re-register it with F: `update-binfmts --disable qemu-aarch64` and reinstall Debian's qemu-user-static (it registers with F)",
    );
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), "harness-arm64-"));
  try {
    const prog = path.join(dir, "exit42");
    writeFileSync(prog, aarch64ExitProgram(42));
    chmodSync(prog, 0o755);
    const r = await execa(prog, [], { reject: false });
    if (r.exitCode !== 42) {
      throw new HarnessError(
        `an arm64 test program did not run under emulation (exit ${r.exitCode}, ${String(r.stderr || r.message).trim()})`,
        `check ${entryPath} and that ${entry.interpreter ?? "the qemu interpreter"} exists; reinstall qemu-user-static`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { cached: actions.length === 0, detail: [...actions, `qemu-aarch64 flags ${entry.flags}, arm64 test program ran`].join("; ") };
}

export async function dockerReady(): Promise<boolean> {
  const r = await execa("docker", ["version", "--format", "{{.Server.Version}}"], { reject: false, timeout: 10_000 });
  return r.exitCode === 0 && String(r.stdout).trim() !== "";
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function readPid(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, "utf8").trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Starts a long-lived daemon detached from us, output appended to `log`. */
export function spawnDaemon(cmd: string, args: readonly string[], log: string): number {
  const fd = openSync(log, "a");
  const child = spawn(cmd, args, { detached: true, stdio: ["ignore", fd, fd] });
  child.unref();
  if (!child.pid) throw new HarnessError(`could not start ${cmd}`, `see ${log}`);
  return child.pid;
}

export async function ensureDockerd(cfg: HarnessConfig): Promise<StepResult> {
  if (await dockerReady()) {
    const ours = readPid(cfg.dockerd.pidFile);
    return {
      cached: true,
      detail: ours && pidAlive(ours) && existsSync(cfg.dockerd.startedMarker) ? `running (pid ${ours}, started by harness)` : "already running",
    };
  }
  if (!(await commandExists("dockerd"))) {
    throw new HarnessError("dockerd not found", "install Debian's docker.io (`apt-get install docker.io`)");
  }
  // dockerd refuses to start over a stale pidfile of its own.
  rmSync(cfg.dockerd.pidFile, { force: true });
  const pid = spawnDaemon("dockerd", ["--pidfile", cfg.dockerd.pidFile], cfg.dockerd.logFile);
  writeFileSync(cfg.dockerd.startedMarker, `${pid}\n`);
  if (!(await waitFor(dockerReady, 90_000, 1000))) {
    throw new HarnessError(
      "dockerd did not become ready within 90 s",
      `read ${cfg.dockerd.logFile}; a second dockerd, a missing kernel feature (overlayfs, iptables) or a full disk are the usual causes`,
      cfg.dockerd.logFile,
    );
  }
  const version = (await capture("docker", ["version", "--format", "{{.Server.Version}}"])).stdout.trim();
  return { cached: false, detail: `started dockerd ${version} (pid ${pid}, log ${cfg.dockerd.logFile})` };
}
