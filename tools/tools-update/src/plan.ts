import { readImagePackages, type ImagePackage } from "@image-tooling/image-metadata";
import { isDownloadTool, parseLock, LOCK_FILE, type DownloadTool, type ToolsLock } from "@image-tooling/image-metadata";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** One image as the updater sees it: its package, its lock's exact text and parsed form. */
export interface ImageInput {
  pkg: ImagePackage;
  lockFile: string;
  lockText: string;
  lock: ToolsLock;
}

export interface Selection {
  images: string[];
  tools: string[];
}

export class UsageError extends Error {
  override name = "UsageError";
}

/**
 * Reads every image package and its lock; a broken one is an error naming
 * its file, never a stack trace. --image / --tool names that match nothing
 * are usage errors, so a typo does not pass as "everything is current".
 * otherTools are names --tool may also mean (the helper lock's).
 */
export function readImages(root: string, sel: Selection, otherTools: string[] = []): { inputs: ImageInput[]; errors: string[] } {
  const inputs: ImageInput[] = [];
  const errors: string[] = [];
  const names: string[] = [];
  for (const pkg of readImagePackages(root, (dir, e) => errors.push(`${dir}: ${(e as Error).message}`))) {
    names.push(pkg.name);
    if (sel.images.length && !sel.images.includes(pkg.name)) continue;
    const lockFile = `${pkg.root}/${LOCK_FILE}`;
    if (!existsSync(join(root, lockFile))) continue;
    const lockText = readFileSync(join(root, lockFile), "utf8");
    const parsed = parseLock(lockText, lockFile, pkg.name);
    if (!parsed.lock) {
      errors.push(...parsed.problems.map((p) => `${p.file} (${p.image})${p.field ? ` ${p.field}` : ""}: ${p.message}`));
      continue;
    }
    inputs.push({ pkg, lockFile, lockText, lock: parsed.lock });
  }
  for (const image of sel.images) if (!names.includes(image)) throw new UsageError(`--image ${image}: no such image package (images: ${names.join(", ")})`);
  const allTools = new Set([...inputs.flatMap((i) => Object.keys(i.lock.tools)), ...otherTools]);
  for (const tool of sel.tools) if (!allTools.has(tool)) throw new UsageError(`--tool ${tool}: no selected image pins it (tools: ${[...allTools].join(", ")})`);
  return { inputs, errors };
}

/** The tools of an image the run looks at: download tools (Debian's follow the base release), filtered by --tool. */
export function selectedTools(input: ImageInput, sel: Selection): [string, DownloadTool][] {
  return Object.entries(input.lock.tools)
    .filter(([name]) => sel.tools.length === 0 || sel.tools.includes(name))
    .filter((e): e is [string, DownloadTool] => isDownloadTool(e[1]));
}
