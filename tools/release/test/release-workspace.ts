import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { TempWorkspace } from "@image-tooling/test-support/temp-workspace";
import { INSTALL_ROOT } from "@image-tooling/cli-support";
import { WORKSPACE_GRAPH, WORKSPACE_IMAGES } from "@image-tooling/test-support/workspace-images";

/** Every image package of the workspace, read from packages/ (never a hard-coded list). */
export const IMAGES = WORKSPACE_IMAGES;
/** The image's children as committed, sorted. */
export const childrenOf = (image: string): string[] => [...(WORKSPACE_GRAPH.children.get(image) ?? [])].sort();
const TSX = join(INSTALL_ROOT, "node_modules/tsx/dist/cli.mjs");
const CHANGESET = join(INSTALL_ROOT, "node_modules/@changesets/cli/bin.js");
// CI exports these for nx (nrwl/nx-set-shas); a test decides its own refs.
const CLEAN_ENV = { NX_BASE: undefined, NX_HEAD: undefined, GITHUB_STEP_SUMMARY: undefined };

/**
 * A real git repository copy of the workspace with the real .changeset
 * config and no pending changesets, committed on main.
 */
export function releaseWorkspace(): TempWorkspace {
  const ws = TempWorkspace.create();
  for (const f of readdirSync(join(ws.root, ".changeset"))) {
    if (f.endsWith(".md") && f !== "README.md") rmSync(join(ws.root, ".changeset", f));
  }
  ws.commitAll("no pending changesets");
  return ws;
}

/** Writes a changeset file exactly as `npx changeset` would. */
export function writeChangeset(ws: TempWorkspace, id: string, releases: Record<string, "patch" | "minor" | "major">, summary: string): void {
  const front = Object.entries(releases).map(([name, type]) => `"${name}": ${type}`);
  ws.write(`.changeset/${id}.md`, `---\n${front.join("\n")}\n---\n\n${summary}\n`);
}

/** The real changesets CLI. */
export function changeset(ws: TempWorkspace, ...args: string[]): { status: number; output: string } {
  return ws.run(process.execPath, [CHANGESET, ...args], CLEAN_ENV);
}

/** The missing-changeset check, through the root npm script as CI runs it. */
export function checkChangesets(ws: TempWorkspace, ...args: string[]): { status: number; output: string } {
  return ws.run("npm", ["run", "--silent", "check:changesets", "--", ...args], CLEAN_ENV);
}

/** Any workspace TypeScript entry point, through tsx. */
export function tsx(ws: TempWorkspace, script: string, args: string[], env: Record<string, string | undefined> = {}): { status: number; output: string } {
  return ws.run(process.execPath, [TSX, script, ...args], { ...CLEAN_ENV, ...env });
}

export function packageJson(ws: TempWorkspace, image: string): { version: string; dependencies?: Record<string, string> } {
  return JSON.parse(ws.read(`packages/${image}/package.json`)) as { version: string; dependencies?: Record<string, string> };
}
