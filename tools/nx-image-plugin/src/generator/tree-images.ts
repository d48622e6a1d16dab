import type { Tree } from "@nx/devkit";
import { IMAGE_METADATA_FILE, type ImagePackage, LOCK_FILE, parseImagePackage, parseLock, type ToolsLock } from "@image-tooling/image-metadata";

/**
 * The image packages as the generator's Nx Tree holds them: the files on disk
 * plus what the generator has written so far, so the new package is read
 * exactly as it will be written.
 */

const PACKAGES = "packages";

/** The root of every image package (a packages/<dir> with an image.yaml). */
export function imagePackageRoots(tree: Tree): string[] {
  if (!tree.exists(PACKAGES)) return [];
  return tree
    .children(PACKAGES)
    .map((dir) => `${PACKAGES}/${dir}`)
    .filter((root) => tree.isFile(`${root}/${IMAGE_METADATA_FILE}`))
    .sort();
}

/** Reads and validates one image package from the tree; throws ImageMetadataError naming the file. */
export function readTreeImagePackage(tree: Tree, root: string): ImagePackage {
  const read = (rel: string): string | null => (tree.exists(`${root}/${rel}`) ? tree.read(`${root}/${rel}`, "utf8") : null);
  return parseImagePackage({
    root,
    metadataText: read(IMAGE_METADATA_FILE) ?? "",
    packageJsonText: read("package.json") ?? "",
    readFile: read,
  });
}

/** Every image package that parses, by name; a broken sibling is its own lint's business, not the new image's. */
export function readTreeImages(tree: Tree): Map<string, ImagePackage> {
  const images = new Map<string, ImagePackage>();
  for (const root of imagePackageRoots(tree)) {
    try {
      const pkg = readTreeImagePackage(tree, root);
      images.set(pkg.name, pkg);
    } catch {
      // skipped: see above
    }
  }
  return images;
}

/** A package's tools.lock.json, or null when it has none that parses. */
export function readTreeLock(tree: Tree, pkg: ImagePackage): ToolsLock | null {
  const file = `${pkg.root}/${LOCK_FILE}`;
  return tree.exists(file) ? parseLock(tree.read(file, "utf8") ?? "", file, pkg.name).lock : null;
}
