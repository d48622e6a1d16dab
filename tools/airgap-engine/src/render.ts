import { stringify as toYaml } from "yaml";
import type { HarnessEnvKey } from "@image-tooling/harness-env";

/**
 * Pure renderers for every file the harness writes. Keeping them free of I/O
 * lets unit tests pin the exact bytes the engine, the registry and the shell
 * will read.
 */

// The env file is read both by `. env` in sh and by Node's util.parseEnv, so
// values are restricted to characters both read identically without quoting.
const ENV_SAFE_VALUE = /^[A-Za-z0-9_.,:/@+=%-]*$/;
const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function renderEnvFile(vars: Record<string, string>, header: readonly string[] = []): string {
  const lines = header.map((line) => `# ${line}`.trimEnd());
  for (const [key, value] of Object.entries(vars)) {
    if (!ENV_KEY.test(key)) throw new Error(`invalid env variable name ${JSON.stringify(key)}`);
    if (!ENV_SAFE_VALUE.test(value)) {
      throw new Error(`env value for ${key} has characters that shells and dotenv parsers read differently: ${JSON.stringify(value)}`);
    }
    lines.push(`export ${key}=${value}`);
  }
  return `${lines.join("\n")}\n`;
}

export interface HarnessEnvVars {
  cliBin: string;
  engineContainer: string;
  registryAddr: string;
  /** This machine's address on the engine's bridge, and the ports on it the engine speaks plain HTTP to. */
  bridgeHost: string;
  registryPort: number;
  testPorts: { first: number; last: number };
  /** `tcp://<engine address>:<port>`: the same engine reached the way a remote one is. */
  engineTcp: string;
  daggerVersion: string;
  debianBaseRef: string;
  registryImageRef: string;
  platforms: readonly string[];
  envFile: string;
}

/** Typed by the contract readers check (@image-tooling/harness-env), so the writer cannot drop a required key. */
export function harnessEnvVars(v: HarnessEnvVars): Record<HarnessEnvKey, string> & Record<string, string> {
  return {
    _EXPERIMENTAL_DAGGER_CLI_BIN: v.cliBin,
    _EXPERIMENTAL_DAGGER_RUNNER_HOST: `docker-container://${v.engineContainer}`,
    // Telemetry, cloud nags and update checks would each try to reach the
    // internet; none of them may leave this machine.
    DO_NOT_TRACK: "1",
    DAGGER_NO_NAG: "1",
    DAGGER_NO_UPDATE_CHECK: "1",
    HARNESS_ENV_FILE: v.envFile,
    HARNESS_DAGGER_VERSION: v.daggerVersion,
    HARNESS_ENGINE_CONTAINER: v.engineContainer,
    HARNESS_REGISTRY: v.registryAddr,
    // The engine runs in its own network, as users' engines do; these say how it sees this machine.
    HARNESS_ENGINE_TOPOLOGY: "bridge",
    HARNESS_BRIDGE_HOST: v.bridgeHost,
    HARNESS_ENGINE_REGISTRY: `${v.bridgeHost}:${v.registryPort}`,
    HARNESS_TEST_PORTS: `${v.testPorts.first}-${v.testPorts.last}`,
    HARNESS_ENGINE_TCP: v.engineTcp,
    HARNESS_DEBIAN_BASE: v.debianBaseRef,
    HARNESS_REGISTRY_IMAGE: v.registryImageRef,
    HARNESS_PLATFORMS: v.platforms.join(","),
  };
}

/**
 * engine.json for the Dagger engine, which runs in its own network: docker.io
 * resolves from the harness registry at its address on the engine's bridge,
 * spoken to over plain HTTP, as are the test ports beside it (tests' own
 * registries and fault proxies). `localhost:<port>` stays plain HTTP for the
 * registry a run binds as a Dagger service (registryService), which the engine
 * dials for that host.
 */
export function renderEngineJson(opts: { bridgeHost: string; registryPort: number; testPorts: { first: number; last: number }; logLevel?: string }): string {
  const mirror = `${opts.bridgeHost}:${opts.registryPort}`;
  const plain = [mirror, `localhost:${opts.registryPort}`];
  for (let port = opts.testPorts.first; port <= opts.testPorts.last; port++) plain.push(`${opts.bridgeHost}:${port}`);
  const config = {
    logLevel: opts.logLevel ?? "info",
    registries: {
      "docker.io": { mirrors: [mirror] },
      ...Object.fromEntries(plain.map((host) => [host, { http: true }])),
    },
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** distribution v2 configuration; binds loopback only so nothing outside the machine can push. */
export function renderRegistryConfig(opts: { addr: string; storageDir: string }): string {
  return toYaml({
    version: 0.1,
    log: { level: "info", formatter: "text" },
    storage: {
      filesystem: { rootdirectory: opts.storageDir },
      delete: { enabled: true },
      cache: { blobdescriptor: "inmemory" },
    },
    http: { addr: opts.addr, headers: { "X-Content-Type-Options": ["nosniff"] } },
  });
}

/**
 * Config baked into the seeded `registry:2` image, mirroring upstream's
 * layout (port 5000, data in /var/lib/registry) so pipeline code written for
 * the Docker Hub image works unchanged.
 */
export function renderRegistryImageConfig(): string {
  return renderRegistryConfig({ addr: ":5000", storageDir: "/var/lib/registry" });
}

/** Same steps as upstream's dagger-entrypoint.sh (v0.21.x). */
export function renderEngineEntrypoint(): string {
  return `#!/bin/sh
set -e

# cgroup v2: move ourselves out of the root group so nested containers can
# get controllers delegated (same as moby's dind script).
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
	mkdir -p /sys/fs/cgroup/init
	xargs -rn1 < /sys/fs/cgroup/cgroup.procs > /sys/fs/cgroup/init/cgroup.procs || :
	sed -e 's/ / +/g' -e 's/^/+/' < /sys/fs/cgroup/cgroup.controllers \\
		> /sys/fs/cgroup/cgroup.subtree_control
fi

# per-client SQLite databases need far more than the usual 1024 descriptors
ulimit -n 1048576 || echo "cannot increase open FDs with ulimit, ignoring"

exec tini -- /usr/local/bin/dagger-engine --config /etc/dagger/engine.toml "$@"
`;
}

/** deb822 sources for the seeded images, like the official debian images. */
export function renderDebianSources(opts: { suite: string; mirror: string; securityMirror: string }): string {
  return `Types: deb
URIs: ${opts.mirror}
Suites: ${opts.suite} ${opts.suite}-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${opts.securityMirror}
Suites: ${opts.suite}-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
`;
}

/**
 * Files that make a debootstrap minbase look like debian:*-slim (the same
 * settings debuerreotype applies): dpkg keeps docs, man pages and locales out
 * of later installs too, and apt keeps no caches in image layers.
 */
export function slimConfigFiles(): Record<string, string> {
  return {
    "etc/dpkg/dpkg.cfg.d/docker": `# keep images small: no docs, man pages or translations (copyrights stay)
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
`,
    "etc/apt/apt.conf.d/docker-clean": `DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
`,
    "etc/apt/apt.conf.d/docker-no-languages": `Acquire::Languages "none";\n`,
    "etc/apt/apt.conf.d/docker-gzip-indexes": `Acquire::GzipIndexes "true";\n`,
    "etc/apt/apt.conf.d/docker-autoremove-suggests": `Apt::AutoRemove::SuggestsImportant "false";\n`,
    // Services must not start inside image builds.
    "usr/sbin/policy-rc.d": `#!/bin/sh\nexit 101\n`,
  };
}

/**
 * Shell run against a freshly bootstrapped rootfs (path in $1) to drop what
 * slim images do not carry. Runs on the host: no emulation needed for arm64.
 */
export function renderSlimScript(): string {
  return `set -eu
root="$1"
cd "$root"
find usr/share/doc -mindepth 1 -not -name copyright -not -type d -delete
find usr/share/doc -mindepth 1 -type d -empty -delete
rm -rf usr/share/man/* usr/share/groff/* usr/share/info/* usr/share/lintian/* usr/share/linda/*
find usr/share/locale -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} +
rm -rf var/lib/apt/lists/* var/cache/apt/* var/cache/debconf/*-old var/lib/dpkg/*-old
find var/log -type f -delete
rm -rf tmp/* var/tmp/* root/.bash_history
rm -f etc/apt/sources.list etc/hostname etc/resolv.conf
: > etc/machine-id
`;
}
