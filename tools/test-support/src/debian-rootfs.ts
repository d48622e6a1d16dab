import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { requireBinary } from "./binaries.ts";
import { INSTALL_ROOT } from "@image-tooling/cli-support";

/**
 * A minimal Debian root filesystem of another release than the harness's
 * seeded base (bookworm), for a test that must run on that release's own
 * packages, e.g. trixie's apt verifier sqv. Made with debootstrap from
 * Debian's archive (which our machines reach; IMAGE_TOOLING_DEBIAN_MIRROR
 * overrides it, as for the harness) on first use and cached in
 * node_modules/.cache/debian-rootfs. Needs root and debootstrap; without
 * them it fails, saying so, and never skips.
 */
export function debianRootfs(suite: string, packages: readonly string[], arch: "amd64" | "arm64" = "amd64"): string {
  const key = createHash("sha256")
    .update(JSON.stringify([suite, arch, [...packages].sort()]))
    .digest("hex")
    .slice(0, 12);
  const dir = join(INSTALL_ROOT, "node_modules/.cache/debian-rootfs", `${suite}-${arch}-${key}`);
  const done = `${dir}.complete`;
  if (existsSync(done)) return dir;
  requireBinary("debootstrap", "debootstrap");
  if (process.getuid?.() !== 0)
    throw new Error(`a Debian ${suite} root filesystem for this test is made with debootstrap, which needs root: run the test as root`);
  const mirror = process.env.IMAGE_TOOLING_DEBIAN_MIRROR || "http://deb.debian.org/debian";
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const args = ["--variant=minbase", `--arch=${arch}`, ...(packages.length ? [`--include=${packages.join(",")}`] : []), suite, tmp, mirror];
  const r = spawnSync("debootstrap", args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) {
    rmSync(tmp, { recursive: true, force: true });
    const tail = `${r.stdout ?? ""}${r.stderr ?? ""}`.trim().split("\n").slice(-5).join("\n");
    throw new Error(`debootstrap ${args.join(" ")} failed (exit ${r.status ?? r.error?.message}):\n${tail}`);
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  writeFileSync(done, `${args.join(" ")}\n`);
  return dir;
}
