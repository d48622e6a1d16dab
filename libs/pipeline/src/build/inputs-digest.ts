import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { contextFiles, type ImagePackage } from "@image-tooling/image-metadata";

/**
 * A digest of everything that decides what an image's build produces: its
 * build context (paths, contents, exec bits), platforms and base — the parent's
 * own inputs digest for a child, so a change anywhere up the chain shows.
 * Stored as a label; publish compares it to tell whether a parent already in
 * the registry was built from this commit's inputs. What counts as an input is
 * defined once, in image-metadata's inputs.ts (which says why the pipeline lib
 * itself is left out of this digest).
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
