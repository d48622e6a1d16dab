import type { ImagePackage, Platform } from "@image-tooling/image-metadata";
import { buildPlatforms } from "../build/build-image.ts";
import { inputsDigest } from "../build/inputs-digest.ts";
import { imageLabels } from "../build/labels.ts";
import type { EphemeralRegistry } from "../build/ephemeral-registry.ts";
import type { GitInfo } from "../git/git-info.ts";
import type { Logger } from "../log/logger.ts";
import type { RetryPolicy } from "@image-tooling/oci-registry";
import type { Workspace } from "../context/workspace.ts";
import type { BuiltImage } from "../build/built-image.ts";

/** A base as the build sees it (ref) and as the labels name it. */
export interface ResolvedBase {
  ref: string;
  name: string;
  digest: string;
}

/** Gives a child its parent's image, built from this commit, by digest. */
export type ParentResolver = (parent: ImagePackage, parentInputsDigest: string) => Promise<ResolvedBase>;

export interface BuildContext {
  ws: Workspace;
  git: GitInfo;
  log: Logger;
  source?: string;
  /** How a build's network fetches (a parent pulled from the target registry) are retried; absent: once. */
  retry?: RetryPolicy;
  /** Build only these platforms of every image in the chain (`load` builds the one it loads); default: each image's own. */
  platforms?: readonly Platform[];
  /** The run's environment (RunContext.env): TOOLS_MIRROR reaches the Dockerfile from it. */
  env: Record<string, string | undefined>;
}

/** An image's inputs digest and its parent's, which is folded into it. */
export interface ChainInputs {
  digest: string;
  parent?: string;
}

/** The inputs digests of an image and its parent, its ancestors' folded in. Pure file hashing: no build; each image's files hashed once. */
export function chainInputs(ws: Workspace, pkg: ImagePackage): ChainInputs {
  const parent = pkg.metadata.parent ? chainInputsDigest(ws, ws.graph.images.get(pkg.metadata.parent)!) : undefined;
  return { digest: inputsDigest(ws.root, pkg, parent), parent };
}

/** The inputs digest of an image, its ancestors' folded in. */
export function chainInputsDigest(ws: Workspace, pkg: ImagePackage): string {
  return chainInputs(ws, pkg).digest;
}

/** Builds every platform of `pkg`; `inputs` when the caller has already hashed them (publish plans with them first). */
export async function buildImage(
  ctx: BuildContext,
  pkg: ImagePackage,
  resolveParent: ParentResolver,
  inputs: ChainInputs = chainInputs(ctx.ws, pkg),
): Promise<BuiltImage> {
  const parent = pkg.metadata.parent ? ctx.ws.graph.images.get(pkg.metadata.parent)! : undefined;
  const digest = inputs.digest;
  let base: ResolvedBase;
  if (pkg.metadata.base) {
    base = { ref: `${pkg.metadata.base.image}@${pkg.metadata.base.digest}`, name: pkg.metadata.base.image, digest: pkg.metadata.base.digest };
  } else {
    base = await resolveParent(parent!, inputs.parent!);
  }
  const labels = imageLabels({
    pkg,
    revision: ctx.git.revision,
    created: ctx.git.created,
    source: ctx.source,
    base: { name: base.name, digest: base.digest },
    inputsDigest: digest,
  });
  const platforms = ctx.platforms ?? pkg.metadata.platforms;
  const containers = await ctx.log.step(`${pkg.name} ${pkg.version}: build ${platforms.join(" + ")} (BASE_IMAGE=${base.ref})`, () =>
    buildPlatforms(ctx.ws.root, pkg, base.ref, labels, ctx.env, ctx.retry && { policy: ctx.retry, onRetry: (line) => ctx.log.info(line) }, platforms),
  );
  return { pkg, containers, labels, inputsDigest: digest, baseRef: base.ref };
}

/**
 * For local runs (build, smoke): each ancestor is built from this commit in
 * the same run and handed to its child through the run's ephemeral registry,
 * by digest — never the last published parent (README.md, "How it works").
 * `build` is the run's (memoized) build, so a parent shared by several
 * children is built and pushed once per run.
 */
export function ephemeralParents(
  ctx: BuildContext,
  registry: () => Promise<EphemeralRegistry>,
  publishedName: (image: string) => string,
  build: (pkg: ImagePackage) => Promise<BuiltImage>,
): ParentResolver {
  const pushed = new Map<string, Promise<ResolvedBase>>();
  return (parent) => {
    let base = pushed.get(parent.name);
    if (!base) {
      base = (async () => {
        const built = await build(parent);
        const reg = await registry();
        const ref = await ctx.log.step(`${parent.name}: push to the run's registry (a Dagger service) for its children`, () =>
          reg.push(parent.name, built.containers),
        );
        return { ref, name: `${publishedName(parent.name)}:${parent.version}`, digest: ref.slice(ref.indexOf("@") + 1) };
      })();
      pushed.set(parent.name, base);
    }
    return base;
  };
}
