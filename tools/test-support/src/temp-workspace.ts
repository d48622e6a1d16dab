import { INSTALL_ROOT } from "@image-tooling/cli-support";
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const NX_BIN = join(INSTALL_ROOT, "node_modules/nx/dist/bin/nx.js");

/**
 * Environment for nx runs in tests: no daemon, no cloud, no colour. Read at each run, not at import: loadHarnessEnv
 * sets variables (the offline vulnerability database) after this module loads.
 */
const nxEnv = () => ({ ...process.env, NX_DAEMON: "false", NX_NO_CLOUD: "true", NX_TUI: "false", NX_SKIP_NX_CACHE: "true", FORCE_COLOR: "0", NO_COLOR: "1" });

/**
 * A real git repository holding a copy of this workspace (configs, libs,
 * tools, image packages) with node_modules linked from the repo, so nx runs
 * the real plugin against files the test changes and commits.
 */
export class TempWorkspace {
  readonly root: string;

  private constructor(root: string) {
    this.root = root;
  }

  static create(opts: { withPackages?: boolean } = {}): TempWorkspace {
    const root = mkdtempSync(join(tmpdir(), "image-tooling-ws-"));
    // .changeset carries the release configuration that the release tests exercise;
    // .env turns on Nx's task-level affected, which the affected tests exercise; it
    // resolves external dependencies (a target input) from package-lock.json.
    for (const entry of ["nx.json", "package.json", "package-lock.json", ".env", "tsconfig.base.json", "README.md", ".changeset", "libs", "tools"]) {
      if (!existsSync(join(INSTALL_ROOT, entry))) continue;
      cpSync(join(INSTALL_ROOT, entry), join(root, entry), {
        recursive: true,
        filter: (src) => !src.includes("node_modules") && !src.includes(`${"/"}test${"/"}`) && !src.endsWith("/test"),
      });
    }
    mkdirSync(join(root, "packages"), { recursive: true });
    if (opts.withPackages !== false) cpSync(join(INSTALL_ROOT, "packages"), join(root, "packages"), { recursive: true });
    symlinkSync(join(INSTALL_ROOT, "node_modules"), join(root, "node_modules"));
    writeFileSync(join(root, ".gitignore"), "node_modules\n.nx\ndist\n");
    const ws = new TempWorkspace(root);
    ws.git("init", "-q", "-b", "main");
    ws.git("config", "user.email", "test@example.invalid");
    ws.git("config", "user.name", "test");
    ws.commitAll("initial workspace");
    return ws;
  }

  git(...args: string[]): string {
    return execFileSync("git", args, { cwd: this.root, encoding: "utf8" }).trim();
  }

  /** A fresh branch off main, main's files restored and untracked ones removed, so each test case starts from the same commit. */
  branchFromMain(name: string): void {
    this.git("checkout", "-q", "-f", "main");
    this.git("clean", "-qfd");
    this.git("checkout", "-q", "-b", name);
  }

  commitAll(message: string): void {
    this.git("add", "-A");
    this.git("commit", "-q", "--allow-empty", "-m", message);
  }

  read(rel: string): string {
    return readFileSync(join(this.root, rel), "utf8");
  }

  write(rel: string, content: string): void {
    mkdirSync(dirname(join(this.root, rel)), { recursive: true });
    writeFileSync(join(this.root, rel), content);
  }

  append(rel: string, content: string): void {
    this.write(rel, this.read(rel) + content);
  }

  /** Runs nx; returns exit status and combined output (never throws). */
  nx(...args: string[]): { status: number; output: string } {
    const r = spawnSync(process.execPath, [NX_BIN, ...args], { cwd: this.root, env: nxEnv(), encoding: "utf8" });
    return { status: r.status ?? 1, output: `${r.stdout}${r.stderr}` };
  }

  /** Runs any command in the workspace; returns exit status and combined output (never throws). */
  run(command: string, args: string[], env: Record<string, string | undefined> = {}): { status: number; output: string } {
    const r = spawnSync(command, args, { cwd: this.root, env: { ...nxEnv(), ...env }, encoding: "utf8" });
    return { status: r.status ?? 1, output: `${r.stdout ?? ""}${r.stderr ?? ""}${r.error ? String(r.error) : ""}` };
  }

  /**
   * Names of the projects nx considers affected between two refs; with a
   * target, those whose task of that target is affected (`nx affected -t`).
   */
  affected(base: string, head = "HEAD", target?: string): string[] {
    const r = this.nx("show", "projects", "--affected", `--base=${base}`, `--head=${head}`, ...(target ? ["-t", target] : []), "--json");
    if (r.status !== 0) throw new Error(`nx show projects --affected failed:\n${r.output}`);
    // The JSON is one line of its own; stderr (a compile notice on first use, an Nx warning) may come before or after it.
    const json = r.output.split("\n").find((line) => /^\[.*\]$/.test(line.trim()));
    if (json === undefined) throw new Error(`nx show projects --affected printed no JSON list:\n${r.output}`);
    return (JSON.parse(json) as string[]).sort();
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
