import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LOCAL_APT_DIR, renderLocalRepoScript } from "../src/local-apt.ts";

// The host half of the offline repository with the real tools: dpkg-deb makes
// two tiny packages, the repo script indexes them with apt-ftparchive, and
// apt itself (private state, the host untouched) reads the result from a
// file: source — no network involved.
const tmp = mkdtempSync(path.join(os.tmpdir(), "local-apt-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function fakeDeb(dir: string, name: string, depends?: string): void {
  const src = path.join(tmp, `src-${name}`);
  mkdirSync(path.join(src, "DEBIAN"), { recursive: true });
  mkdirSync(path.join(src, "usr/share", name), { recursive: true });
  writeFileSync(path.join(src, "usr/share", name, "hello"), `${name}\n`);
  writeFileSync(
    path.join(src, "DEBIAN/control"),
    `Package: ${name}\nVersion: 1.0-1\nArchitecture: all\nMaintainer: harness <harness@example.invalid>\n${depends ? `Depends: ${depends}\n` : ""}Description: offline repository test package\n`,
  );
  execFileSync("dpkg-deb", ["--root-owner-group", "--build", src, path.join(dir, `${name}_1.0-1_all.deb`)], { stdio: "ignore" });
}

function rootfsWithDownloads(names: string[]): string {
  const root = mkdtempSync(path.join(tmp, "root-"));
  const archives = path.join(root, "var/cache/apt/archives");
  mkdirSync(path.join(archives, "partial"), { recursive: true });
  writeFileSync(path.join(archives, "lock"), "");
  names.forEach((n, i) => {
    fakeDeb(archives, n, i > 0 ? names[0] : undefined);
  });
  return root;
}

const repoScript = (root: string) => spawnSync("sh", ["-c", renderLocalRepoScript(), "local-repo", root], { encoding: "utf8" });

describe("offline repository script", () => {
  it("moves the downloads out of apt's cache and indexes them as a flat repository", () => {
    const root = rootfsWithDownloads(["harness-demo-a", "harness-demo-b"]);
    const r = repoScript(root);
    expect(r.status, r.stderr).toBe(0);
    const repo = path.join(root, LOCAL_APT_DIR);
    expect(readdirSync(repo).sort()).toEqual(["Packages", "Release", "harness-demo-a_1.0-1_all.deb", "harness-demo-b_1.0-1_all.deb"]);
    expect(readdirSync(path.join(root, "var/cache/apt/archives")).filter((f) => f.endsWith(".deb"))).toEqual([]);
    expect(existsSync(`${repo}.Release`)).toBe(false);
    expect(statSync(repo).mode & 0o777).toBe(0o755);
    for (const f of readdirSync(repo)) expect(statSync(path.join(repo, f)).mode & 0o777, f).toBe(0o644);

    const packages = readFileSync(path.join(repo, "Packages"), "utf8");
    expect(packages).toMatch(/^Package: harness-demo-a$/m);
    expect(packages).toMatch(/^Filename: \.\/harness-demo-b_1\.0-1_all\.deb$/m);
    expect(packages).toMatch(/^Depends: harness-demo-a$/m);
    const release = readFileSync(path.join(repo, "Release"), "utf8");
    expect(release).toMatch(/^Origin: image-tooling-harness$/m);
    const sha = execFileSync("sha256sum", [path.join(repo, "Packages")], { encoding: "utf8" }).split(" ")[0];
    expect(release).toContain(`${sha} ${String(statSync(path.join(repo, "Packages")).size).padStart(16)} Packages`);
  });

  it("yields a repository apt reads from a trusted file: source, dependencies resolved", () => {
    const root = rootfsWithDownloads(["harness-demo-a", "harness-demo-b"]);
    expect(repoScript(root).status).toBe(0);
    const apt = path.join(tmp, "apt-state");
    for (const d of ["state/lists/partial", "cache/archives/partial", "etc/sources.list.d", "etc/preferences.d", "dl"])
      mkdirSync(path.join(apt, d), { recursive: true });
    writeFileSync(path.join(apt, "state/status"), "");
    writeFileSync(path.join(apt, "etc/sources.list"), `deb [trusted=yes] file:${path.join(root, LOCAL_APT_DIR)} ./\n`);
    const opts = [
      ["Dir::State", path.join(apt, "state")],
      ["Dir::State::status", path.join(apt, "state/status")],
      ["Dir::Cache", path.join(apt, "cache")],
      ["Dir::Etc::SourceList", path.join(apt, "etc/sources.list")],
      ["Dir::Etc::SourceParts", path.join(apt, "etc/sources.list.d")],
      ["Dir::Etc::Preferences", path.join(apt, "etc/preferences")],
      ["Dir::Etc::PreferencesParts", path.join(apt, "etc/preferences.d")],
      ["APT::Sandbox::User", "root"],
      // Any attempt at the network fails instead of leaving the machine.
      ["Acquire::http::Proxy", "http://127.0.0.1:9"],
      ["Acquire::https::Proxy", "http://127.0.0.1:9"],
    ].flatMap(([k, v]) => ["-o", `${k}=${v}`]);
    const update = spawnSync("apt-get", [...opts, "update"], { encoding: "utf8" });
    expect(update.status, update.stderr).toBe(0);
    expect(update.stdout).not.toMatch(/https?:/);
    const sim = spawnSync("apt-get", [...opts, "install", "-s", "harness-demo-b"], { encoding: "utf8" });
    expect(sim.status, sim.stderr).toBe(0);
    expect(sim.stdout).toMatch(/^Inst harness-demo-a /m);
    expect(sim.stdout).toMatch(/^Inst harness-demo-b /m);
  });

  it("stops, naming the cache, when nothing was downloaded", () => {
    const root = rootfsWithDownloads([]);
    const r = repoScript(root);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`no .deb was downloaded into ${root}/var/cache/apt/archives`);
  });
});
