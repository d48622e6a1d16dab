import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { jsonBlob, RegistryClient } from "@image-tooling/oci-registry";
import { INSTALL_ROOT } from "@image-tooling/cli-support";

/**
 * Test vulnerability databases, built offline by tools/test-support/grype-testdb
 * (grype's own v6 writer, from the Go module proxy) against packages the
 * harness's debootstrapped Debian 12 base really holds (read from its
 * /var/lib/dpkg/status). Entries are keyed by Debian source package, as in
 * Debian's own feed: glibc → libc6 and libc-bin, zlib → zlib1g.
 */

export interface TestDbEntry {
  id: string;
  severity: string;
  ecosystem: "deb" | "go-module";
  package: string;
  /** `debian:12`; empty for a language package. */
  os: string;
  /** The release's codename (bookworm), as grype's Debian data has it. */
  codename?: string;
  constraint: string;
  fixed: string;
  /** grype's version format: dpkg (default) or go. */
  versionType?: "dpkg" | "go";
  description: string;
}

const deb = (id: string, severity: string, pkg: string, fixed: string, description: string): TestDbEntry => ({
  id,
  severity,
  ecosystem: "deb",
  package: pkg,
  os: "debian:12",
  codename: "bookworm",
  constraint: fixed ? `< ${fixed}` : "",
  fixed,
  description,
});

/** Installed in the base: libc6 2.36-9+deb12u14, tar 1.34+dfsg-1.2+deb12u1, zlib1g 1:1.2.13.dfsg-1+deb12u1, gzip 1.12-1. */
export const GLIBC_HIGH = deb("CVE-2026-0001", "high", "glibc", "2.36-9+deb12u15", "test: glibc, fixed in the next point release");
export const TAR_LOW = deb("CVE-2026-0002", "low", "tar", "", "test: tar, no fix yet");
export const ZLIB_CRITICAL = deb("CVE-2026-1000", "critical", "zlib", "1:1.2.13.dfsg-1+deb12u2", "test: zlib, critical, fixed");
export const GZIP_HIGH = deb("CVE-2026-2000", "high", "gzip", "1.12-1+deb12u1", "test: gzip, published after the release");

/** The Go this machine builds with (go1.26.8 → 1.26.8): a test Go binary's stdlib version. */
export const hostGoVersion = (): string => execFileSync("/usr/local/go/bin/go", ["env", "GOVERSION"], { encoding: "utf8" }).trim().replace(/^go/, "");

/** A Go standard-library vulnerability fixed in the next patch release of the Go that built the binary. */
export function goStdlibHigh(goVersion: string): TestDbEntry {
  const [major, minor, patch] = goVersion.split(".").map(Number);
  const fixed = `${major}.${minor}.${(patch ?? 0) + 1}`;
  return {
    id: "GO-2026-0001",
    severity: "high",
    ecosystem: "go-module",
    package: "stdlib",
    os: "",
    constraint: `< ${fixed}`,
    fixed,
    versionType: "go",
    description: "test: Go standard library, fixed in the next patch release",
  };
}

/**
 * base: below the default gate (critical); critical: adds a fixable critical; newer: base plus a finding published
 * later; go: base plus a standard-library finding in binaries built with this machine's Go.
 */
export const TEST_DBS = {
  base: () => [GLIBC_HIGH, TAR_LOW],
  critical: () => [GLIBC_HIGH, TAR_LOW, ZLIB_CRITICAL],
  newer: () => [GLIBC_HIGH, TAR_LOW, GZIP_HIGH],
  go: () => [GLIBC_HIGH, TAR_LOW, goStdlibHigh(hostGoVersion())],
} as const satisfies Record<string, () => TestDbEntry[]>;
export type TestDbName = keyof typeof TEST_DBS;

const SOURCE = join(INSTALL_ROOT, "tools/test-support/grype-testdb");
const CACHE = join(INSTALL_ROOT, "node_modules/.cache/grype-testdb");

/** The writer, built once per source version (go build from the Go module proxy; a flock serialises parallel test files). */
function writerBinary(): string {
  const hash = createHash("sha256");
  for (const f of ["main.go", "go.mod", "go.sum"]) hash.update(readFileSync(join(SOURCE, f)));
  const bin = join(CACHE, hash.digest("hex").slice(0, 16), "grype-testdb");
  if (existsSync(bin)) return bin;
  mkdirSync(join(bin, ".."), { recursive: true });
  const tmp = `${bin}.${process.pid}`;
  execFileSync("flock", [join(CACHE, ".build.lock"), "/usr/local/go/bin/go", "build", "-o", tmp, "."], {
    cwd: SOURCE,
    env: { ...process.env, CGO_ENABLED: "0", GOPROXY: "https://proxy.golang.org", GOFLAGS: "" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  renameSync(tmp, bin);
  return bin;
}

/** Midnight UTC today: a day's databases are built once and stay within any max age of a day or more. */
const today = (): string => `${new Date().toISOString().slice(0, 10)}T00:00:00Z`;

/**
 * The archive (`grype db import` accepts it) of a named test database, built
 * at `built` (default: today 00:00 UTC). Cached by name and build time.
 */
export function testVulnDb(name: TestDbName, opts: { built?: string } = {}): string {
  const built = opts.built ?? today();
  const entries = TEST_DBS[name]();
  const content = createHash("sha256").update(JSON.stringify(entries)).digest("hex").slice(0, 12);
  const dir = join(CACHE, "dbs", `${name}-${built.replace(/[^0-9TZ]/g, "")}-${content}`);
  const file = join(dir, "vulnerability-db.tar.gz");
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const spec = join(dir, `entries.${process.pid}.json`);
  writeFileSync(spec, JSON.stringify(entries));
  try {
    execFileSync(writerBinary(), ["-spec", spec, "-built", built, "-out", dir], { stdio: ["ignore", "ignore", "pipe"] });
  } finally {
    rmSync(spec, { force: true });
  }
  return file;
}

/**
 * Serves a database archive from a registry as an OCI artifact (one layer,
 * titled like grype's archives), and returns `oci://<registry>/<repo>:<tag>`
 * for IMAGE_VULN_DB.
 */
export async function pushTestVulnDb(registry: string, repository: string, tag: string, archive: string): Promise<string> {
  const client = new RegistryClient({ registry });
  const bytes = readFileSync(archive);
  const layer = await client.pushBlob(repository, bytes);
  const config = jsonBlob("application/vnd.oci.empty.v1+json", {});
  await client.pushBlob(repository, config.bytes);
  const manifest = jsonBlob("application/vnd.oci.image.manifest.v1+json", {
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    artifactType: "application/vnd.anchore.grype.db.v6",
    config: config.descriptor,
    layers: [
      {
        mediaType: "application/vnd.oci.image.layer.v1.tar+gzip",
        digest: layer.digest,
        size: layer.size,
        annotations: { "org.opencontainers.image.title": "vulnerability-db.tar.gz" },
      },
    ],
  });
  await client.putManifest(repository, tag, { mediaType: "application/vnd.oci.image.manifest.v1+json", bytes: manifest.bytes });
  return `oci://${registry}/${repository}:${tag}`;
}
