import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join, posix } from "node:path";
import { IMAGE_METADATA_FILE } from "./schema.ts";
import { parseImagePackage, type ImagePackage } from "./parse.ts";
import { readTextOrNull, type TextReader } from "./read-text.ts";
import { buildImageGraph, type ImageGraph } from "./graph.ts";

/**
 * Reads and validates the image package at a workspace-relative root.
 * `read` lets a caller that also digests the files (the Nx plugin's store)
 * see exactly the text the parse saw, reading each file once.
 */
export function readImagePackage(workspaceRoot: string, root: string, read: TextReader = readTextOrNull): ImagePackage {
  const abs = join(workspaceRoot, root);
  const metadataPath = join(abs, IMAGE_METADATA_FILE);
  return parseImagePackage({
    root: posix.normalize(root.replaceAll("\\", "/")),
    // A missing image.yaml keeps Node's own ENOENT error, as before.
    metadataText: read(metadataPath) ?? readFileSync(metadataPath, "utf8"),
    packageJsonText: read(join(abs, "package.json")) ?? "",
    readFile: (rel) => read(join(abs, rel)),
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

/**
 * Every image package under packages/, read and validated: the one loading
 * sequence. Without `onUnreadable` a broken package throws (naming its file);
 * with it, the package is handed over and left out, for callers that report
 * per image and must not let one broken sibling stop the rest.
 */
export function readImagePackages(workspaceRoot: string, onUnreadable?: (root: string, error: unknown) => void): ImagePackage[] {
  const packages: ImagePackage[] = [];
  for (const root of findImagePackageRoots(workspaceRoot)) {
    try {
      packages.push(readImagePackage(workspaceRoot, root));
    } catch (e) {
      if (!onUnreadable) throw e;
      onUnreadable(root, e);
    }
  }
  return packages;
}

/** Every image package under packages/ and their graph, validated: a workspace's images as a command sees them. */
export function loadImageGraph(workspaceRoot: string): ImageGraph {
  return buildImageGraph(readImagePackages(workspaceRoot));
}
