import { formatProblem } from "@image-tooling/image-metadata";
import { lintImage } from "@image-tooling/image-lint";
import type { Logger } from "../report/logger.ts";
import { imageOrThrow, readSmokeSpec, type Workspace } from "./workspace.ts";

/**
 * The `lint` target. image.yaml, package.json and the Dockerfile's BASE_IMAGE
 * rule were checked when the workspace loaded; here the smoke spec and the
 * offline image checks (tool lock, Dockerfile rules, shellcheck, generated
 * files). Returns whether the image is clean.
 */
export async function runLint(ws: Workspace, image: string, log: Logger): Promise<boolean> {
  const pkg = imageOrThrow(ws, image);
  const spec = readSmokeSpec(ws, pkg);
  const problems = await lintImage(ws.root, pkg);
  for (const p of problems) log.info(`✘ ${formatProblem(p)}`);
  if (problems.length > 0) {
    log.info(`${image}: ${problems.length} problem(s)`);
    return false;
  }
  log.info(`✔ ${image}: image.yaml, package.json, ${pkg.metadata.dockerfile}, ${pkg.metadata.smoke} (${spec.checks.length} checks), tools lock and scripts are clean`);
  return true;
}
