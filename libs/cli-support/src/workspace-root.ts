import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The workspace root (the directory holding nx.json) at or above `dir`.
 * Found by walking up, not by counting `../`, because the same module runs
 * from its source and bundled into dist/compiled.
 */
export function workspaceRootAbove(dir: string): string {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, "nx.json"))) return d;
    if (dirname(d) === d) throw new Error(`no nx.json in ${dir} or above it: run this inside the image-tooling workspace`);
  }
}

/**
 * The workspace this code is installed in: where node_modules, its caches
 * and the helper lock are. Not always the workspace a command works on —
 * a test points the pipeline at a temporary copy — which each CLI takes from
 * its argv or NX_WORKSPACE_ROOT.
 */
export const INSTALL_ROOT = workspaceRootAbove(dirname(fileURLToPath(import.meta.url)));

/**
 * The workspace a command works on: Nx's NX_WORKSPACE_ROOT when Nx runs it,
 * else the nearest nx.json at or above the working directory (npm runs
 * scripts from the root; a test runs a CLI inside a temporary workspace).
 */
export function commandWorkspace(env: Record<string, string | undefined>, cwd: string): string {
  return env.NX_WORKSPACE_ROOT || workspaceRootAbove(cwd);
}
