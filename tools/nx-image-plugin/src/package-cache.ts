import { statSync } from "node:fs";
import { join } from "node:path";
import { readImagePackage, type ImagePackage } from "@image-tooling/image-metadata";

// createNodes and createDependencies run in the same plugin worker and both
// need every image package; parse each once per change instead of twice per
// graph computation (half the plugin's time on a 500-image workspace).
const cache = new Map<string, { key: string; pkg: ImagePackage }>();

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

/** readImagePackage, memoised on the files' mtimes and sizes. Errors are never cached. */
export function readImagePackageCached(workspaceRoot: string, root: string): ImagePackage {
  const dir = join(workspaceRoot, root);
  const key = fingerprint(dir);
  const hit = cache.get(dir);
  if (hit && hit.key === key) return hit.pkg;
  const pkg = readImagePackage(workspaceRoot, root);
  cache.set(dir, { key, pkg });
  return pkg;
}
