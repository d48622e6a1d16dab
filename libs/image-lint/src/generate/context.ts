import type { ImagePackage } from "@image-tooling/image-metadata";
import type { ToolsLock } from "@image-tooling/image-metadata";
import { repositoryName } from "@image-tooling/oci-registry";

/** Where README examples say the images live (image-tooling.yaml registry/namespace). */
export interface DocsConfig {
  registry: string;
  namespace: string;
}

export const DEFAULT_DOCS_CONFIG: DocsConfig = { registry: "docker.io", namespace: "imagetooling" };

/** Everything the generated files of one image are rendered from. */
export interface ImageContext {
  pkg: ImagePackage;
  lock: ToolsLock;
  /** The parent chain, nearest first, each with its lock. */
  ancestors: { pkg: ImagePackage; lock: ToolsLock }[];
  config: DocsConfig;
}

/** Pinned tools of the image and its ancestors, oldest layer first: what the image contains. */
export function allPinnedTools(ctx: ImageContext): [string, string][] {
  return [...ctx.ancestors]
    .reverse()
    .concat([{ pkg: ctx.pkg, lock: ctx.lock }])
    .flatMap(({ lock }) => Object.entries(lock.tools).map(([n, t]) => [n, t.version] as [string, string]));
}

export const imageRef = (ctx: ImageContext, image = ctx.pkg.name): string => `${ctx.config.registry}/${repositoryName(ctx.config.namespace, image)}`;
export const majorTag = (version: string): string => version.split(".")[0] ?? version;
