import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join, posix } from "node:path";
import { IMAGE_METADATA_FILE } from "./schema.ts";
import { parseImagePackage, type ImagePackage } from "./parse.ts";

const readOrNull = (path: string): string | null => (existsSync(path) ? readFileSync(path, "utf8") : null);

/** Reads and validates the image package at a workspace-relative root. */
export function readImagePackage(workspaceRoot: string, root: string): ImagePackage {
  const abs = join(workspaceRoot, root);
  return parseImagePackage({
    root: posix.normalize(root.replaceAll("\\", "/")),
    metadataText: readFileSync(join(abs, IMAGE_METADATA_FILE), "utf8"),
    packageJsonText: readOrNull(join(abs, "package.json")) ?? "",
    readFile: (rel) => readOrNull(join(abs, rel)),
  });
}

/** Workspace-relative roots of every image package under packages/. */
export function findImagePackageRoots(workspaceRoot: string, packagesDir = "packages"): string[] {
  const dir = join(workspaceRoot, packagesDir);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, IMAGE_METADATA_FILE)))
    .map((d) => `${packagesDir}/${d.name}`)
    .sort();
}
