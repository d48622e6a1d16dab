import type { Logger } from "../report/logger.ts";
import { imageOrThrow, readSmokeSpec, type Workspace } from "./workspace.ts";

/**
 * The `lint` target: image.yaml, package.json and the Dockerfile's BASE_IMAGE
 * rule were checked when the workspace loaded; here the smoke spec too.
 * Returns whether the image is clean.
 */
export async function runLint(ws: Workspace, image: string, log: Logger): Promise<boolean> {
  const pkg = imageOrThrow(ws, image);
  const spec = readSmokeSpec(ws, pkg);
  log.info(`✔ ${image}: image.yaml, package.json, ${pkg.metadata.dockerfile} and ${pkg.metadata.smoke} (${spec.checks.length} checks) are valid`);
  return true;
}
