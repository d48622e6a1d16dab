/**
 * `npm run lock:complete`: our npm registry serves only the platform builds of
 * native packages (nx, swc) for the platforms our machines run, so `npm
 * install` leaves the other platforms' optional packages out of
 * package-lock.json, and `npm ci` then refuses the lock as out of sync. This
 * adds an entry for each missing optional platform package — version, os, cpu,
 * libc, no integrity (the registry we reach cannot give one) — so `npm ci`
 * accepts the lock and skips them by platform, as it does on any other OS.
 * Run it after every `npm install` that changes the lock.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

interface LockEntry {
  version?: string;
  optional?: boolean;
  os?: string[];
  cpu?: string[];
  libc?: string[];
  optionalDependencies?: Record<string, string>;
  [k: string]: unknown;
}
interface Lockfile {
  packages: Record<string, LockEntry>;
  [k: string]: unknown;
}

const OS = ["darwin", "linux", "win32", "freebsd", "android", "openbsd", "sunos", "aix"];
const CPU: Record<string, string> = {
  x64: "x64",
  arm64: "arm64",
  arm: "arm",
  ia32: "ia32",
  ppc64: "ppc64",
  s390x: "s390x",
  riscv64: "riscv64",
  loong64: "loong64",
  wasm32: "wasm32",
};

/** os / cpu / libc of a platform package, read from its name (`@nx/nx-linux-x64-musl`). */
export function platformOf(name: string): Pick<LockEntry, "os" | "cpu" | "libc"> | null {
  const parts = name.split("/").pop()!.split("-");
  const os = parts.find((p) => OS.includes(p));
  const cpu = parts.find((p) => p in CPU);
  if (!os || !cpu) return null;
  const libc = os === "linux" ? (parts.includes("musl") ? "musl" : parts.some((p) => p.startsWith("gnu")) ? "glibc" : undefined) : undefined;
  return { os: [os], cpu: [CPU[cpu]!], ...(libc && { libc: [libc] }) };
}

/** Returns the lock with entries added for missing optional platform packages, and their names. */
export function completeLockfile(lock: Lockfile): { lock: Lockfile; added: string[] } {
  const packages = { ...lock.packages };
  const added: string[] = [];
  for (const [path, entry] of Object.entries(lock.packages)) {
    for (const [dep, spec] of Object.entries(entry.optionalDependencies ?? {})) {
      const nested = `${path ? `${path}/` : ""}node_modules/${dep}`;
      if (packages[nested] || packages[`node_modules/${dep}`]) continue;
      const platform = platformOf(dep);
      if (!platform || !/^\d+\.\d+\.\d+/.test(spec)) continue;
      packages[`node_modules/${dep}`] = { version: spec, ...platform, optional: true };
      added.push(`${dep}@${spec}`);
    }
  }
  const sorted = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))));
  return { lock: { ...lock, packages: sorted }, added };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2] ?? "package-lock.json";
  const { lock, added } = completeLockfile(JSON.parse(readFileSync(file, "utf8")) as Lockfile);
  writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
  console.log(added.length ? `added ${added.length} optional platform packages to ${file}:\n  ${added.join("\n  ")}` : `${file}: nothing missing`);
}
