import type { Tree } from "@nx/devkit";

/**
 * The npm side of a new image package: package.json (the package version is
 * the image version), its package-lock.json entries, and the changeset of its
 * first release.
 */

/**
 * The version a new package starts at. Its changeset makes the first release
 * a minor one, 0.1.0, as `changeset version` writes it (the release workflow
 * publishes only after the "Version images" pull request); a package started
 * at 0.1.0 would first be released as 0.2.0.
 */
export const INITIAL_VERSION = "0.0.0";
export const FIRST_RELEASE = "minor";

/** npm's own layout: two-space JSON and a final newline. */
const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

export interface NewPackage {
  name: string;
  description: string;
  /** The parent image and its version: a child pins its parent exactly, so a parent release patch-bumps it. */
  parent?: { name: string; version: string };
}

export function writePackageJson(tree: Tree, root: string, p: NewPackage): void {
  const dependencies = p.parent ? { dependencies: { [p.parent.name]: p.parent.version } } : {};
  tree.write(
    `${root}/package.json`,
    json({ name: p.name, version: INITIAL_VERSION, private: true, description: p.description, license: "Apache-2.0", ...dependencies }),
  );
}

/**
 * Adds the workspace package to package-lock.json as `npm install` would, so
 * `npm ci` (which refuses a lock out of step with the workspaces) keeps working
 * without a network round trip.
 */
export function addToPackageLock(tree: Tree, root: string, p: NewPackage): void {
  const file = "package-lock.json";
  if (!tree.exists(file)) return;
  const lock = JSON.parse(tree.read(file, "utf8") ?? "{}") as { packages?: Record<string, unknown> };
  if (!lock.packages) return;
  const entries: Record<string, unknown> = {
    ...lock.packages,
    [root]: { version: INITIAL_VERSION, license: "Apache-2.0", ...(p.parent ? { dependencies: { [p.parent.name]: p.parent.version } } : {}) },
    [`node_modules/${p.name}`]: { resolved: root, link: true },
  };
  // npm sorts the entries by path ("" — the root — first).
  lock.packages = Object.fromEntries(
    Object.keys(entries)
      .sort((a, b) => a.localeCompare(b, "en"))
      .map((k) => [k, entries[k]]),
  );
  tree.write(file, json(lock));
}

export function writeFirstChangeset(tree: Tree, p: NewPackage): string {
  const file = `.changeset/${p.name}-first-release.md`;
  tree.write(file, `---\n"${p.name}": ${FIRST_RELEASE}\n---\n\nFirst release of the ${p.name} image: ${p.description}.\n`);
  return file;
}
