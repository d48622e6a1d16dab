import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { MetadataProblem } from "@image-tooling/image-metadata";
import type { ImageContext } from "../generate/context.ts";
import { planGeneratedFiles } from "../generate/plan.ts";
import { TOOLBOX_DATA_DIR } from "../generate/toolbox-data.ts";

/** Generated files and blocks must equal what `npm run image-docs` would write now. */
export function checkGeneratedFiles(workspaceRoot: string, ctx: ImageContext): MetadataProblem[] {
  const { files, problems } = planGeneratedFiles(workspaceRoot, ctx);
  for (const f of files) {
    const abs = join(workspaceRoot, f.path);
    const hint = "run `npm run image-docs` and commit the result";
    if (!existsSync(abs)) {
      problems.push({ file: f.path, image: ctx.pkg.name, message: `does not exist (generated from ${f.from})`, hint });
      continue;
    }
    if (readFileSync(abs, "utf8") !== f.content) problems.push({ file: f.path, image: ctx.pkg.name, message: `is out of date with ${f.from}`, hint });
  }
  // A leftover data file (a renamed image, an old layout) would still be read by toolbox-help.
  const dataDir = `${ctx.pkg.root}/${TOOLBOX_DATA_DIR}`;
  if (existsSync(join(workspaceRoot, dataDir))) {
    for (const name of readdirSync(join(workspaceRoot, dataDir))) {
      const path = `${dataDir}/${name}`;
      if (!files.some((f) => f.path === path))
        problems.push({ file: path, image: ctx.pkg.name, message: "is not generated from tools.lock.json, yet toolbox-help would read it", hint: "delete it" });
    }
  }
  return problems;
}
