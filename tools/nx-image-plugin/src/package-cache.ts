import { statSync } from "node:fs";
import { dirname, join } from "node:path";
import type { ImagePackage } from "@image-tooling/image-metadata";
import { readTextOrNull, type TextReader } from "@image-tooling/image-metadata/read-text";
import { workspaceDataDirectoryForWorkspace } from "nx/src/utils/cache-directory";
import { buildOf, packageStoreIn, type PackageStore } from "./package-store.ts";

// createNodes and createDependencies run in the same process and both need
// every image package; the daemon keeps this process between commands. So
// each package is parsed once per change, not twice per graph computation.
const memory = new Map<string, { key: string; pkg: ImagePackage }>();

const FILES = ["image.yaml", "package.json", "Dockerfile"];

function fingerprint(dir: string): string {
  return FILES.map((f) => {
    try {
      const s = statSync(join(dir, f));
      return `${s.mtimeMs}:${s.size}`;
    } catch {
      return "-";
    }
  }).join("|");
}

/** The compiled plugin this module runs in, if it runs compiled: its store is only for that build. */
const BUILD = buildOf(typeof __filename === "undefined" ? undefined : __filename);

type Parser = Pick<typeof import("@image-tooling/image-metadata"), "readImagePackage">;
/** Named through a variable so the bundler leaves this import alone: it is only for running from source. */
const PARSER_SOURCE = "@image-tooling/image-metadata";

/**
 * The image.yaml parser, loaded on the first miss: compiled, its own bundle
 * beside this one (a megabyte of schema and YAML code that a cached graph
 * never loads); from source, the package itself.
 */
async function parser(): Promise<Parser> {
  if (BUILD) return require(join(dirname(__filename), "image-parser.cjs")) as Parser;
  return (await import(PARSER_SOURCE)) as Parser;
}

const stores = new Map<string, PackageStore>();

/** The store across commands for a workspace; none when running from source (tests), where only the process's memory caches. */
function storeFor(workspaceRoot: string): PackageStore | undefined {
  if (!BUILD) return undefined;
  let store = stores.get(workspaceRoot);
  if (!store) {
    store = packageStoreIn(workspaceDataDirectoryForWorkspace(workspaceRoot), BUILD);
    stores.set(workspaceRoot, store);
  }
  return store;
}

/**
 * readImagePackage, memoised in the process on the files' mtimes and sizes
 * and across commands by content (package-store.ts). The parser and its
 * schema library load only on a miss. Errors are never cached.
 */
export async function readImagePackageCached(workspaceRoot: string, root: string): Promise<ImagePackage> {
  const dir = join(workspaceRoot, root);
  const key = fingerprint(dir);
  const hit = memory.get(dir);
  if (hit && hit.key === key) return hit.pkg;
  const store = storeFor(workspaceRoot);
  let pkg = store?.get(workspaceRoot, root);
  if (!pkg) {
    const { readImagePackage } = await parser();
    const texts = new Map<string, string | null>();
    const readOnce: TextReader = (path) => {
      if (!texts.has(path)) texts.set(path, readTextOrNull(path));
      return texts.get(path)!;
    };
    pkg = readImagePackage(workspaceRoot, root, readOnce);
    store?.put(workspaceRoot, pkg, readOnce);
  }
  memory.set(dir, { key, pkg });
  return pkg;
}

/** Writes what this command parsed for the next one. */
export function savePackageStore(workspaceRoot: string): void {
  stores.get(workspaceRoot)?.save();
}
