import { spawnSync } from "node:child_process";
import { isDownloadTool, parseLock } from "@image-tooling/image-metadata";
import type { ToolPin } from "./compare.ts";

/**
 * The tools of a version as its git tag records them (`<image>@X.Y.Z`, made by
 * `npm run release:tag`): the fallback for a version whose registry holds no
 * SBOM by the expected signer. `lockFiles` are the image's and its ancestors'
 * lock paths; a lock the tag does not hold contributes nothing. Undefined
 * when the tag is not in this repository (a shallow clone, a fork).
 */
export function toolsAtGitTag(root: string, tag: string, lockFiles: string[]): ToolPin[] | undefined {
  const git = (...args: string[]) => spawnSync("git", args, { cwd: root, encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
  if (git("rev-parse", "--verify", "--quiet", `refs/tags/${tag}^{commit}`).status !== 0) return undefined;
  const pins: ToolPin[] = [];
  for (const file of lockFiles) {
    const shown = git("show", `refs/tags/${tag}:${file}`);
    if (shown.status !== 0) continue;
    const { lock } = parseLock(shown.stdout, `${tag}:${file}`, tag);
    if (!lock) continue;
    for (const [name, tool] of Object.entries(lock.tools)) if (isDownloadTool(tool)) pins.push({ name, version: tool.version, lock: file });
    for (const req of lock.python?.requirements ?? []) pins.push({ name: req.name, version: req.version, lock: file });
  }
  return pins.sort((a, b) => a.name.localeCompare(b.name));
}
