import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { MetadataProblem } from "@image-tooling/image-metadata";
import type { ImageContext } from "./context.ts";
import { renderLabelBlock } from "./label.ts";
import { replaceBlock, type CommentStyle } from "./markers.ts";
import { renderContentsBlock, renderUsageBlock } from "./readme.ts";
import { renderSmokeBlock } from "./smoke-block.ts";
import { TOOLBOX_DATA_DIR, renderToolboxJson, renderToolboxTsv } from "./toolbox-data.ts";

/** One file as `npm run image-docs` would write it. */
export interface GeneratedFile {
  /** Workspace-relative path. */
  path: string;
  content: string;
  /** What the file is generated from, for messages. */
  from: string;
}

/** Reads a workspace-relative file; null when it does not exist. */
export type ReadFile = (path: string) => string | null;

const fromDisk =
  (workspaceRoot: string): ReadFile =>
  (path) => {
    const abs = join(workspaceRoot, path);
    return existsSync(abs) ? readFileSync(abs, "utf8") : null;
  };

/**
 * Every file (or block in a hand-written file) generated for one image.
 * Files whose markers are missing come back as problems: the author has to
 * place the block once, the tool keeps it current afterwards.
 * `read` defaults to the disk; the image generator passes its Nx Tree, whose
 * new package exists only in memory until it is written.
 */
export function planGeneratedFiles(
  workspaceRoot: string,
  ctx: ImageContext,
  read: ReadFile = fromDisk(workspaceRoot),
): { files: GeneratedFile[]; problems: MetadataProblem[] } {
  const { pkg } = ctx;
  const files: GeneratedFile[] = [];
  const problems: MetadataProblem[] = [];

  const block = (path: string, style: CommentStyle, blocks: [string, string][]): void => {
    let text = read(path);
    if (text === null) {
      problems.push({ file: path, image: pkg.name, message: "does not exist" });
      return;
    }
    for (const [name, body] of blocks) {
      const next = replaceBlock(text, name, style, body);
      if (next === null) {
        const marker = style === "html" ? `<!-- BEGIN GENERATED ${name} -->` : `# BEGIN GENERATED ${name}`;
        problems.push({
          file: path,
          image: pkg.name,
          field: name,
          message: `has no generated ${name} block`,
          hint: `add the lines "${marker}" and its END GENERATED twin where it belongs, then run npm run image-docs`,
        });
        return;
      }
      text = next;
    }
    files.push({ path, content: text, from: "tools.lock.json" });
  };

  block(`${pkg.root}/README.md`, "html", [
    ["contents", renderContentsBlock(ctx)],
    ["usage", renderUsageBlock(ctx)],
  ]);
  block(pkg.files.dockerfile, "hash", [["label", renderLabelBlock(ctx)]]);
  block(pkg.files.smoke, "hash", [["version-checks", renderSmokeBlock(ctx)]]);

  // The layer depth orders the help table parent-first (a glob sorts "x-aws" before "x.").
  files.push({ path: `${pkg.root}/${TOOLBOX_DATA_DIR}/${ctx.ancestors.length}-${pkg.name}.tsv`, content: renderToolboxTsv(ctx.lock), from: "tools.lock.json" });
  files.push({ path: `${pkg.root}/${TOOLBOX_DATA_DIR}/${pkg.name}.json`, content: renderToolboxJson(ctx.lock), from: "tools.lock.json" });
  return { files, problems };
}
