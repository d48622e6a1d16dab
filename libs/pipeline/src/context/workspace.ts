import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadImageGraph, parseSmokeSpec, type ImageGraph, type ImagePackage, type SmokeSpec } from "@image-tooling/image-metadata";

export interface Workspace {
  root: string;
  graph: ImageGraph;
}

/** Reads and validates every image package once, at the edge. */
export function loadWorkspace(root: string): Workspace {
  return { root, graph: loadImageGraph(root) };
}

/** A command line that names something the workspace does not have. */
export class UsageError extends Error {}

export function imageOrThrow(ws: Workspace, name: string): ImagePackage {
  const pkg = ws.graph.images.get(name);
  if (!pkg) throw new UsageError(`unknown image "${name}": the images are ${ws.graph.order.join(", ")}`);
  return pkg;
}

/** Why `pkg` is left out of a run for `platform` (image.yaml does not list it), or undefined when it is built for it. */
export function notBuiltFor(pkg: ImagePackage, platform: string): string | undefined {
  if (pkg.metadata.platforms.includes(platform as ImagePackage["metadata"]["platforms"][number])) return undefined;
  return `${pkg.name} is not built for ${platform} (${pkg.files.metadata} lists ${pkg.metadata.platforms.join(", ")})`;
}

export function readSmokeSpec(ws: Workspace, pkg: ImagePackage): SmokeSpec {
  return parseSmokeSpec(readFileSync(join(ws.root, pkg.files.smoke), "utf8"), pkg.files.smoke, pkg.name);
}
