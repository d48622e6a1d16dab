import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { MetadataProblem } from "@image-tooling/image-metadata";
import type { ImageContext } from "../generate/context.ts";
import { planGeneratedFiles } from "../generate/plan.ts";

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
    if (f.executable && (statSync(abs).mode & 0o111) === 0) problems.push({ file: f.path, image: ctx.pkg.name, message: "is not executable", hint });
  }
  return problems;
}
