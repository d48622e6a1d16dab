import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** The tag the Nx image plugin gives every image project. */
export const IMAGE_TAG = "type:image";

/**
 * Image projects whose inputs nx considers changed between `base` and `head`
 * (without `head`: the working tree too). Nx is the source of truth for what
 * an image's inputs are — its own files, its parent, the pipeline lib — so the
 * check agrees with what `nx affected -t publish` will publish.
 */
export function affectedImages(cwd: string, base: string, head?: string): string[] {
  const args = ["show", "projects", "--affected", `--base=${base}`, ...(head ? [`--head=${head}`] : []), `--projects=tag:${IMAGE_TAG}`, "--json"];
  const r = spawnSync(process.execPath, [nxBin(cwd), ...args], {
    cwd,
    encoding: "utf8",
    // No daemon: a one-shot question must not leave a process behind in CI.
    env: { ...process.env, NX_DAEMON: "false", NX_TUI: "false", NX_NO_CLOUD: "true", FORCE_COLOR: "0" },
    maxBuffer: 64 * 1024 * 1024,
  });
  const output = `${r.stdout}${r.stderr}`;
  if (r.status !== 0) throw new Error(`nx ${args.join(" ")} failed:\n${output.trim()}`);
  // nx may print notices before the JSON; the list is the last line that parses.
  const json = r.stdout.trim().split("\n").reverse().find((l) => l.startsWith("["));
  if (!json) throw new Error(`nx ${args.join(" ")} printed no project list:\n${output.trim()}`);
  return (JSON.parse(json) as string[]).sort();
}

function nxBin(cwd: string): string {
  const pkgPath = createRequire(join(cwd, "package.json")).resolve("nx/package.json");
  const pkg = JSON.parse(readFileSync(pkgPath, "utf8")) as { bin: Record<string, string> };
  return join(dirname(pkgPath), pkg.bin.nx ?? "dist/bin/nx.js");
}
