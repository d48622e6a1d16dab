import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { readImagePackages, type MetadataProblem } from "@image-tooling/image-metadata";
import { loadImageContext, planGeneratedFiles } from "@image-tooling/image-lint";

export interface WriteResult {
  written: string[];
  unchanged: string[];
  problems: MetadataProblem[];
}

/** Regenerates every image's generated files (or only `images`). */
export function writeGenerated(workspaceRoot: string, images: string[] = []): WriteResult {
  const result: WriteResult = { written: [], unchanged: [], problems: [] };
  const pkgs = readImagePackages(workspaceRoot).filter((p) => images.length === 0 || images.includes(p.name));
  const unknown = images.filter((i) => !pkgs.some((p) => p.name === i));
  for (const name of unknown) result.problems.push({ file: "packages/", image: name, message: "is not an image package" });

  for (const pkg of pkgs) {
    const { ctx, problems } = loadImageContext(workspaceRoot, pkg);
    result.problems.push(...problems);
    if (!ctx) continue;
    const plan = planGeneratedFiles(workspaceRoot, ctx);
    result.problems.push(...plan.problems);
    for (const file of plan.files) {
      const abs = join(workspaceRoot, file.path);
      const current = existsSync(abs) ? readFileSync(abs, "utf8") : null;
      if (current === file.content) {
        result.unchanged.push(file.path);
      } else {
        mkdirSync(dirname(abs), { recursive: true });
        writeFileSync(abs, file.content);
        result.written.push(file.path);
      }
    }
  }
  return result;
}
