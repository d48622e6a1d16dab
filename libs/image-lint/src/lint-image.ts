import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ImagePackage, MetadataProblem } from "@image-tooling/image-metadata";
import { loadImageContext } from "./generate/load-context.ts";
import { LOCK_FILE } from "@image-tooling/image-metadata";
import { checkDockerfile } from "./rules/dockerfile-rules.ts";
import { checkGeneratedFiles } from "./rules/generated-rules.ts";
import { checkLock } from "./rules/lock-rules.ts";
import { checkScriptFiles, findShellScripts, shellcheck } from "./rules/script-rules.ts";
import { allPinnedTools } from "./generate/context.ts";

/**
 * Every offline check of one image package: lock completeness, Dockerfile
 * rules, shellcheck and script rules, and the files generated from the lock.
 * Empty means clean. Never throws for bad input: each problem names its file.
 */
export async function lintImage(workspaceRoot: string, pkg: ImagePackage): Promise<MetadataProblem[]> {
  const problems: MetadataProblem[] = [];
  const { ctx, problems: loadProblems } = loadImageContext(workspaceRoot, pkg);

  // Loading reports an unreadable lock; the rest of the lock rules need the parent's tools.
  problems.push(...loadProblems);
  if (ctx) {
    const lockFile = `${pkg.root}/${LOCK_FILE}`;
    const inheritedTools = allPinnedTools({ ...ctx, lock: { ...ctx.lock, tools: {} } }).map(([n]) => n);
    problems.push(...checkLock({ text: readFileSync(join(workspaceRoot, lockFile), "utf8"), file: lockFile, image: pkg.name, inheritedTools }).problems);
  }

  problems.push(
    ...checkDockerfile({
      text: readFileSync(join(workspaceRoot, pkg.files.dockerfile), "utf8"),
      file: pkg.files.dockerfile,
      image: pkg.name,
      hasParent: pkg.metadata.parent !== undefined,
    }),
  );

  const scripts = findShellScripts(workspaceRoot, pkg.root);
  problems.push(...checkScriptFiles(workspaceRoot, scripts, pkg.name));
  problems.push(...(await shellcheck(workspaceRoot, scripts, pkg.name)));

  if (ctx) problems.push(...checkGeneratedFiles(workspaceRoot, ctx));
  return problems;
}
