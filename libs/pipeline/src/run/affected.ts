import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/**
 * Nx's task-level affected: a task is affected when a changed file matches its
 * inputs (for images: image-metadata's inputs.ts, through the plugin's named
 * inputs), not when the file merely lies in its project. Nx 23 keeps it behind
 * this variable; the workspace's .env sets it for every `nx` run, and we set it
 * here too so the answer does not depend on that file.
 */
export const TASK_AFFECTED_ENV = { NX_LEGACY_AFFECTED: "false" } as const;

/**
 * Image projects whose `target` task (publish by default; smoke also counts
 * smoke-spec changes) is affected between `base` and `head` — without `head`,
 * the working tree too. The same answer `nx affected -t <target>` acts on, so
 * the changeset check and `plan --affected` agree with what CI publishes.
 * Sorted by name. nx runs in `env` (the caller's process environment, read
 * at its CLI's edge) with the settings below on top.
 */
export function affectedImages(
  cwd: string,
  opts: { base: string; head?: string; target?: "publish" | "smoke" | "build" },
  env: Record<string, string | undefined>,
): string[] {
  const target = opts.target ?? "publish";
  // No --projects filter: with one, nx falls back to project-level affected. Only images have these targets.
  const args = ["show", "projects", "--affected", `--base=${opts.base}`, ...(opts.head ? [`--head=${opts.head}`] : []), "-t", target, "--json"];
  const r = spawnSync(process.execPath, [nxBin(cwd), ...args], {
    cwd,
    encoding: "utf8",
    // No daemon: a one-shot question must not leave a process behind in CI.
    env: { ...env, ...TASK_AFFECTED_ENV, NX_DAEMON: "false", NX_TUI: "false", NX_NO_CLOUD: "true", FORCE_COLOR: "0" },
    maxBuffer: 64 * 1024 * 1024,
  });
  const output = `${r.stdout}${r.stderr}`;
  if (r.status !== 0) throw new Error(`nx ${args.join(" ")} failed:\n${output.trim()}`);
  // nx may print notices before the JSON; the list is the last line that parses.
  const json = r.stdout
    .trim()
    .split("\n")
    .reverse()
    .find((l) => l.startsWith("["));
  if (!json) throw new Error(`nx ${args.join(" ")} printed no project list:\n${output.trim()}`);
  return (JSON.parse(json) as string[]).sort();
}

function nxBin(cwd: string): string {
  const pkgPath = createRequire(join(cwd, "package.json")).resolve("nx/package.json");
  const pkg = JSON.parse(readFileSync(pkgPath, "utf8")) as { bin: Record<string, string> };
  return join(dirname(pkgPath), pkg.bin.nx ?? "dist/bin/nx.js");
}
