import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { imageAndAncestors, readImagePackages, type ImagePackage, type MetadataProblem } from "@image-tooling/image-metadata";
import { readLock } from "@image-tooling/image-metadata";
import { DEFAULT_DOCS_CONFIG, type DocsConfig, type ImageContext } from "./context.ts";

/**
 * registry/namespace from image-tooling.yaml (the pipeline's config file).
 * Environment overrides are ignored on purpose: committed docs must not
 * depend on who generated them.
 */
export function readDocsConfig(workspaceRoot: string): DocsConfig {
  const file = join(workspaceRoot, "image-tooling.yaml");
  if (!existsSync(file)) return DEFAULT_DOCS_CONFIG;
  const raw = (parseDocument(readFileSync(file, "utf8")).toJS() ?? {}) as Record<string, unknown>;
  return {
    registry: typeof raw.registry === "string" && raw.registry ? raw.registry : DEFAULT_DOCS_CONFIG.registry,
    namespace: typeof raw.namespace === "string" && raw.namespace ? raw.namespace : DEFAULT_DOCS_CONFIG.namespace,
  };
}

/** The image, its lock and its parent chain's locks; problems instead of throwing. */
export function loadImageContext(workspaceRoot: string, pkg: ImagePackage): { ctx: ImageContext | null; problems: MetadataProblem[] } {
  const problems: MetadataProblem[] = [];
  const own = readLock(workspaceRoot, pkg.root, pkg.name);
  problems.push(...own.problems);

  // A broken sibling is reported by its own lint, not this image's.
  const siblings = pkg.metadata.parent === undefined ? [] : readImagePackages(workspaceRoot, () => {});
  const byName = new Map([...siblings, pkg].map((p) => [p.name, p]));

  const ancestors: ImageContext["ancestors"] = [];
  const chain = imageAndAncestors(byName, pkg.name);
  for (const parent of chain.slice(1)) {
    const parentLock = readLock(workspaceRoot, parent.root, parent.name);
    if (!parentLock.lock) {
      problems.push({
        file: `${parent.root}/tools.lock.json`,
        image: pkg.name,
        message: `the parent's lock is unreadable, so ${pkg.name}'s generated files cannot be checked`,
      });
      break;
    }
    ancestors.push({ pkg: parent, lock: parentLock.lock });
  }
  // The walk also ends at a parent already met: that cycle is the image graph's to report.
  const unreadable = ancestors.length === chain.length - 1 ? chain.at(-1)!.metadata.parent : undefined;
  if (unreadable !== undefined && !byName.has(unreadable))
    problems.push({ file: pkg.files.metadata, image: pkg.name, field: "parent", message: `names "${unreadable}", which is not a readable image package` });
  if (!own.lock) return { ctx: null, problems };
  return { ctx: { pkg, lock: own.lock, ancestors, config: readDocsConfig(workspaceRoot) }, problems };
}
