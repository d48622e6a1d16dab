import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import dockerignore from "@balena/dockerignore";
import type { ImagePackage } from "@image-tooling/image-metadata";

// A CommonJS module whose typings declare an ES default export: take the
// function from either shape so both tsc (NodeNext) and the runtime agree.
const ignore = ((dockerignore as unknown as { default?: typeof dockerignore }).default ?? dockerignore) as unknown as () => import("@balena/dockerignore").Ignore;

/** Files of the build context as Docker sees it: the package directory minus .dockerignore. */
export function contextFiles(packageDir: string): string[] {
  const dockerignore = join(packageDir, ".dockerignore");
  const ig = ignore().add(existsSync(dockerignore) ? readFileSync(dockerignore, "utf8") : "");
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const abs = join(dir, entry.name);
      const rel = relative(packageDir, abs);
      if (entry.isDirectory()) {
        if (!ig.ignores(rel)) walk(abs);
      } else if (!ig.ignores(rel)) {
        out.push(rel);
      }
    }
  };
  walk(packageDir);
  return out.sort();
}

/**
 * A digest of everything that decides what an image's build produces: its
 * build context (paths, contents, exec bits), platforms and base — the parent's
 * own inputs digest for a child, so a change anywhere up the chain shows.
 * Stored as a label; publish compares it to tell whether a parent already in
 * the registry was built from this commit's inputs.
 */
export function inputsDigest(workspaceRoot: string, pkg: ImagePackage, parentInputsDigest?: string): string {
  const h = createHash("sha256");
  h.update("image-tooling inputs v1\n");
  h.update(`platforms ${pkg.metadata.platforms.join(",")}\n`);
  h.update(pkg.metadata.base ? `base ${pkg.metadata.base.image}@${pkg.metadata.base.digest}\n` : `parent ${pkg.metadata.parent} ${parentInputsDigest}\n`);
  const dir = join(workspaceRoot, pkg.root);
  for (const rel of contextFiles(dir)) {
    const abs = join(dir, rel);
    const exec = (statSync(abs).mode & 0o111) !== 0;
    h.update(`file ${rel} ${exec ? "x" : "-"} `);
    h.update(createHash("sha256").update(readFileSync(abs)).digest("hex"));
    h.update("\n");
  }
  return `sha256:${h.digest("hex")}`;
}
