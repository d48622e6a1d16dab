import { createHash } from "node:crypto";

/**
 * Pure planning: which binaries to build and how, what `go mod edit` does to
 * the copied module, and the cache keys that make a second provision a no-op.
 */

/** Stable JSON (sorted keys) so a cache key never depends on property order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export function cacheKey(inputs: unknown): string {
  return createHash("sha256").update(canonicalJson(inputs)).digest("hex").slice(0, 16);
}

export interface GoBinary {
  /** File name of the output in the bin directory. */
  name: string;
  /** Package path inside github.com/dagger/dagger. */
  pkg: string;
  tags: readonly string[];
  /** Stamp engine.Version/engine.Tag, as upstream does for the engine and CLI. */
  stampVersion: boolean;
}

/** The binaries upstream's engine image carries (toolchains/engine-dev/build/builder.go). */
export const DAGGER_BINARIES: readonly GoBinary[] = [
  // dockerfile2llb enables COPY --exclude / --parents only under these tags.
  { name: "dagger-engine", pkg: "./cmd/engine", tags: ["dfexcludepatterns", "dfparents"], stampVersion: true },
  { name: "dagger", pkg: "./cmd/dagger", tags: [], stampVersion: true },
  { name: "dagger-init", pkg: "./cmd/init", tags: [], stampVersion: false },
  { name: "dial-stdio", pkg: "./cmd/dialstdio", tags: [], stampVersion: false },
  { name: "dnsname", pkg: "./cmd/dnsname", tags: [], stampVersion: false },
];

export function goBuildArgs(bin: GoBinary, outPath: string, daggerTag: string): string[] {
  const ldflags = ["-s", "-w"];
  if (bin.stampVersion) {
    ldflags.push(`-X github.com/dagger/dagger/engine.Version=${daggerTag}`, `-X github.com/dagger/dagger/engine.Tag=${daggerTag}`);
  }
  const args = ["build", "-trimpath", "-o", outPath];
  if (bin.tags.length > 0) args.push("-tags", bin.tags.join(","));
  args.push("-ldflags", ldflags.join(" "), bin.pkg);
  return args;
}

/** Environment for every `go` invocation: caches in our cache dir, static binaries. */
export function goEnv(opts: { modCache: string; buildCache: string; toolchain: string; proxy: string }): Record<string, string> {
  if (opts.proxy.split(/[,|]/).some((p) => p === "direct" || p === "off")) {
    throw new Error(`GOPROXY must name module proxies only (no "direct"/"off"): ${opts.proxy}`);
  }
  return {
    GOMODCACHE: opts.modCache,
    GOCACHE: opts.buildCache,
    GOTOOLCHAIN: opts.toolchain,
    GOPROXY: opts.proxy,
    // sum.golang.org itself is unreachable here; Go then fetches the checksum
    // database through the proxy, which serves it.
    GOSUMDB: "sum.golang.org",
    GOFLAGS: "-modcacherw -buildvcs=false",
    CGO_ENABLED: "0",
    GOOS: "linux",
    GOARCH: "amd64",
  };
}

/**
 * Version-specific fix-ups, kept in tools/airgap-engine/dagger/<tag>/overlay.json.
 * `replace` maps module paths to directories (relative to the module root)
 * that the overlay's files/ tree provides.
 */
export interface DaggerOverlay {
  replace: Record<string, string>;
}

/**
 * `go mod edit` arguments that turn the published module into a buildable
 * main module: the Go SDK replace (./sdk/go is a nested module, absent from
 * the module zip) points at the published dagger.io/dagger of the same
 * version, and modules the proxy refuses point at the overlay's copies.
 */
export function goModEditArgs(daggerTag: string, overlay: DaggerOverlay): string[] {
  const args = ["mod", "edit", "-dropreplace", "dagger.io/dagger", "-require", `dagger.io/dagger@${daggerTag}`];
  for (const [mod, dir] of Object.entries(overlay.replace).sort(([a], [b]) => a.localeCompare(b))) {
    if (!dir.startsWith("./")) throw new Error(`overlay replace for ${mod} must be a ./relative directory, got ${dir}`);
    args.push("-replace", `${mod}=${dir}`);
  }
  return args;
}

export function daggerBuildKey(opts: { daggerTag: string; goToolchain: string; overlayDigest: string }): string {
  return cacheKey({
    kind: "dagger-binaries",
    tag: opts.daggerTag,
    toolchain: opts.goToolchain,
    overlay: opts.overlayDigest,
    binaries: DAGGER_BINARIES,
    env: { CGO_ENABLED: "0", GOOS: "linux", GOARCH: "amd64" },
  });
}

export interface RootfsRecipe {
  suite: string;
  arch: string;
  variant: "minbase";
  include: readonly string[];
  slim: boolean;
  /** Packages downloaded (not installed) into the image's offline apt repository. */
  localPackages?: readonly string[];
  /** Bumped by hand when the bootstrap or slimming procedure changes. */
  revision: number;
}

export function rootfsKey(recipe: RootfsRecipe): string {
  // Absent localPackages leaves the key as it was before the field existed,
  // so the engine rootfs (which has none) is not rebuilt.
  return cacheKey({ kind: "rootfs", ...recipe, include: [...recipe.include].sort(), localPackages: recipe.localPackages && [...recipe.localPackages].sort() });
}

/**
 * Packages of upstream's Wolfi-based engine image, by their Debian names.
 * runc and the CNI plugins come from Debian too (see README: they work with
 * this engine); tini from Debian replaces upstream's GitHub download.
 */
export const ENGINE_ROOTFS_PACKAGES: readonly string[] = [
  "ca-certificates",
  "git",
  "openssh-client",
  "pigz",
  "xz-utils",
  "iptables",
  "nftables",
  "dnsmasq-base",
  "e2fsprogs",
  "tini",
  "runc",
  "containernetworking-plugins",
  "sqlite3",
  "ripgrep",
];

/**
 * Apt packages the host needs; a fresh machine has none of them. apt-utils
 * (apt-ftparchive) indexes the seeded base's offline apt repository; socat
 * forwards the loopback registry onto the engine's bridge. curl, jq, gpg,
 * gpgv and sqv let fetch-tools' host test run the script as a Dockerfile would
 * (gpgv as on Debian 12, sqv as on Debian 13, whose apt uses it). skopeo,
 * shellcheck and apache2-utils (htpasswd) are not used by the harness itself
 * but by the workspace's tests that run right after it.
 */
export const HOST_PACKAGES: readonly string[] = [
  "docker.io",
  "docker-registry",
  "qemu-user-static",
  "binfmt-support",
  "debootstrap",
  "apt-utils",
  "ca-certificates",
  "socat",
  "curl",
  "jq",
  "gpg",
  "gpgv",
  "sqv",
  "skopeo",
  "shellcheck",
  "apache2-utils",
];

export function missingPackages(installed: ReadonlySet<string>, wanted: readonly string[] = HOST_PACKAGES): string[] {
  return wanted.filter((p) => !installed.has(p));
}

/** Parses `dpkg-query -W -f '${Package} ${db:Status-Status}\n'` output. */
export function parseDpkgQuery(out: string): Set<string> {
  const installed = new Set<string>();
  for (const line of out.split("\n")) {
    const [pkg, status] = line.trim().split(/\s+/);
    if (pkg && status === "installed") installed.add(pkg.replace(/:.*$/, ""));
  }
  return installed;
}

/** Engine image tag: version first so humans can read it, key so a changed recipe gets a new image. */
export function engineImageRef(repo: string, daggerTag: string, key: string): string {
  return `${repo}:${daggerTag}-${key}`;
}
