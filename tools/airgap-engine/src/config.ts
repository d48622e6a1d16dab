import path from "node:path";
import { harnessEnvPath, harnessStateDir } from "@image-tooling/harness-env";

/**
 * Everything the harness needs to know about where things live and which
 * versions it builds. Pure: derived only from the environment and the
 * workspace lockfile, so tests can pin every path.
 */
export interface HarnessConfig {
  repoRoot: string;
  /** Version of @dagger.io/dagger in package-lock.json, e.g. "0.21.8". */
  daggerVersion: string;
  /** Go module version / engine tag, e.g. "v0.21.8". */
  daggerTag: string;
  /**
   * Go toolchain used to build Dagger. v0.21.8 built with Go >= 1.26.6 drops
   * long h2c connections after 30 s (engine ReadHeaderTimeout); 1.26.5 is
   * the newest toolchain without that behaviour and satisfies go.mod's
   * `go 1.26.1`.
   */
  goToolchain: string;
  /** Module proxy; a corporate mirror of proxy.golang.org works too. Never "direct". */
  goProxy: string;
  /** How often a long step (a Go build, debootstrap) says it is still running: HARNESS_PROGRESS_SECONDS, else 30 s. */
  progressIntervalMs: number;
  cacheDir: string;
  stateDir: string;
  envFile: string;
  logsDir: string;
  lockFile: string;
  timingsFile: string;
  go: { modCache: string; buildCache: string };
  dagger: { root: string };
  registry: {
    host: string;
    port: number;
    addr: string;
    storageDir: string;
    configFile: string;
    pidFile: string;
    logFile: string;
  };
  dockerd: { pidFile: string; logFile: string; startedMarker: string };
  /**
   * How the engine sees this machine. It runs in its own container network
   * (Docker's default bridge), as the Dagger CLI starts it for users, so the
   * host's loopback is out of its reach: the registry is forwarded onto the
   * bridge's address, and tests bind their own registries there too.
   */
  bridge: {
    /** Docker network the engine joins; its gateway is this machine's address on it. */
    network: string;
    /** Ports on the bridge address the engine speaks plain HTTP to, for tests' own registries and fault proxies. */
    testPorts: { first: number; last: number };
    forwarderPidFile: string;
    forwarderLogFile: string;
  };
  engine: {
    /** Port the engine also listens on inside its network, for clients that reach it as a remote engine. */
    tcpPort: number;
    containerName: string;
    volumeName: string;
    imageRepo: string;
    configFile: string;
  };
  debian: {
    suite: string;
    version: string;
    mirror: string;
    securityMirror: string;
    archs: readonly DebianArch[];
  };
  seed: SeedNames;
  /** Free space (GiB) a cold provision needs under the cache dir. */
  minFreeGiBCold: number;
  /** Free space (GiB) a warm provision needs (registry pushes, engine state). */
  minFreeGiBWarm: number;
}

export type DebianArch = "amd64" | "arm64";

export interface SeedNames {
  /** Repository under the registry root, as the docker.io mirror sees it. */
  debianRepo: string;
  debianTags: readonly string[];
  registryRepo: string;
  registryTags: readonly string[];
}

export const DEFAULT_CACHE_DIR = "/var/cache/image-tooling";
export const GO_TOOLCHAIN = "go1.26.5";

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Reads the SDK version the workspace pins; the engine and CLI must match it. */
export function daggerVersionFromLockfile(lock: unknown): string {
  const version = (lock as { packages?: Record<string, { version?: unknown }> })?.packages?.["node_modules/@dagger.io/dagger"]?.version;
  if (typeof version !== "string" || !/^\d+\.\d+\.\d+$/.test(version)) {
    throw new ConfigError(
      'package-lock.json has no exact version for "node_modules/@dagger.io/dagger"; ' +
        "run `npm install` at the repository root so the SDK version is pinned.",
    );
  }
  return version;
}

/** Seconds above 0, else the 30 s default (an unusable value has always meant the default here). */
function progressIntervalMs(seconds: string | undefined): number {
  const n = Number(seconds);
  return seconds && Number.isFinite(n) && n > 0 ? n * 1000 : 30_000;
}

export function resolveConfig(input: { env: Record<string, string | undefined>; repoRoot: string; lockfile: unknown }): HarnessConfig {
  const { env, repoRoot } = input;
  const daggerVersion = daggerVersionFromLockfile(input.lockfile);
  const daggerTag = `v${daggerVersion}`;
  const cacheDir = path.resolve(env.IMAGE_TOOLING_CACHE_DIR || DEFAULT_CACHE_DIR);
  const stateDir = harnessStateDir(env);
  const registryHost = "127.0.0.1";
  const registryPort = 5000;
  const registryDir = path.join(stateDir, "registry");
  return {
    repoRoot,
    daggerVersion,
    daggerTag,
    goToolchain: GO_TOOLCHAIN,
    goProxy: (env.IMAGE_TOOLING_GOPROXY || "https://proxy.golang.org").replace(/\/+$/, ""),
    progressIntervalMs: progressIntervalMs(env.HARNESS_PROGRESS_SECONDS),
    cacheDir,
    stateDir,
    envFile: harnessEnvPath(env),
    logsDir: path.join(stateDir, "logs"),
    lockFile: path.join(stateDir, "provision.lock"),
    timingsFile: path.join(stateDir, "provision-timings.json"),
    go: {
      modCache: path.join(cacheDir, "go", "mod"),
      buildCache: path.join(cacheDir, "go", "build"),
    },
    dagger: { root: path.join(cacheDir, "dagger") },
    registry: {
      host: registryHost,
      port: registryPort,
      addr: `${registryHost}:${registryPort}`,
      storageDir: path.join(registryDir, "data"),
      configFile: path.join(registryDir, "config.yml"),
      pidFile: path.join(registryDir, "registry.pid"),
      logFile: path.join(stateDir, "logs", "registry.log"),
    },
    dockerd: {
      pidFile: path.join(stateDir, "dockerd.pid"),
      logFile: path.join(stateDir, "logs", "dockerd.log"),
      startedMarker: path.join(stateDir, "dockerd.started-by-harness"),
    },
    bridge: {
      network: "bridge",
      testPorts: { first: registryPort + 1, last: registryPort + 19 },
      forwarderPidFile: path.join(stateDir, "forwarder.pid"),
      forwarderLogFile: path.join(stateDir, "logs", "forwarder.log"),
    },
    engine: {
      tcpPort: 1234,
      containerName: "image-tooling-dagger-engine",
      volumeName: "image-tooling-dagger-engine-state",
      imageRepo: "image-tooling.local/dagger-engine",
      configFile: path.join(stateDir, "engine", "engine.json"),
    },
    debian: {
      suite: "bookworm",
      version: "12",
      mirror: env.IMAGE_TOOLING_DEBIAN_MIRROR || "http://deb.debian.org/debian",
      securityMirror: env.IMAGE_TOOLING_DEBIAN_SECURITY_MIRROR || "http://deb.debian.org/debian-security",
      archs: ["amd64", "arm64"],
    },
    seed: {
      debianRepo: "library/debian",
      debianTags: ["bookworm-slim", "12-slim"],
      registryRepo: "library/registry",
      registryTags: ["2"],
    },
    minFreeGiBCold: 12,
    minFreeGiBWarm: 2,
  };
}

/** The name under which the engine resolves a seeded repository (docker.io mirror). */
export function dockerHubRef(repo: string, tag: string, digest?: string): string {
  return `docker.io/${repo}:${tag}${digest ? `@${digest}` : ""}`;
}
