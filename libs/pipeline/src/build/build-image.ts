import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Container, Platform as DaggerPlatform } from "@dagger.io/dagger";
import { daggerSdk } from "../dagger/sdk.ts";
import { BASE_IMAGE_ARG, type ImagePackage, type Platform } from "@image-tooling/image-metadata";
import { buildFailureHint, BuildFailedError, describeDockerfileFailure, missingCopySource, missingSourceHint } from "./build-error.ts";
import { type RetryDeps, transientNetworkText, withRetries } from "@image-tooling/oci-registry";

export type PlatformContainers = Map<Platform, Container>;

/**
 * The Dockerfile's build arguments: the digest-pinned base, and TOOLS_MIRROR
 * when the environment sets it, so fetch-tools downloads through the same
 * artifact proxy as a `docker build --build-arg TOOLS_MIRROR=…` would (its
 * sha256 checks are unchanged, so the image cannot differ).
 */
export function dockerBuildArgs(baseRef: string, env: Record<string, string | undefined>): { name: string; value: string }[] {
  return [{ name: BASE_IMAGE_ARG, value: baseRef }, ...(env.TOOLS_MIRROR ? [{ name: "TOOLS_MIRROR", value: env.TOOLS_MIRROR }] : [])];
}

/**
 * Builds the package's Dockerfile once per platform (`platforms`: all of the
 * image's unless `load` asks for one), concurrently, with the
 * digest-pinned base as BASE_IMAGE, then stamps the OCI labels (image config)
 * and the same keys as manifest annotations. Dagger applies .dockerignore.
 */
export async function buildPlatforms(
  workspaceRoot: string,
  pkg: ImagePackage,
  baseRef: string,
  labels: Record<string, string>,
  /** The run's environment, for dockerBuildArgs. */
  env: Record<string, string | undefined>,
  retry?: RetryDeps,
  platforms: readonly Platform[] = pkg.metadata.platforms,
): Promise<PlatformContainers> {
  const { dag } = await daggerSdk();
  const context = dag.host().directory(join(workspaceRoot, pkg.root));
  const built = await Promise.all(
    platforms.map(async (platform) => {
      let ctr = context.dockerBuild({
        platform: platform as DaggerPlatform,
        dockerfile: pkg.metadata.dockerfile,
        buildArgs: dockerBuildArgs(baseRef, env),
      });
      for (const [k, v] of Object.entries(labels)) ctr = ctr.withLabel(k, v).withAnnotation(k, v);
      try {
        await syncRetrying(ctr, `build ${pkg.name} ${platform} (pulls BASE_IMAGE ${baseRef.split("@")[0]})`, retry);
      } catch (e) {
        const { detail, step } = describeDockerfileFailure(e, {
          file: pkg.files.dockerfile,
          text: readFileSync(join(workspaceRoot, pkg.files.dockerfile), "utf8"),
        });
        const hint = step?.missing ? missingSourceHint(step, pkg.root) : buildFailureHint(detail, baseRef);
        throw new BuildFailedError(pkg.name, platform, detail, hint, step);
      }
      return [platform, ctr] as const;
    }),
  );
  return new Map(built);
}

/**
 * Evaluates a build, again when the engine failed to fetch something over the
 * network (a child's BASE_IMAGE comes from the target registry in publish,
 * through whatever link is in between). A failed command or a missing COPY
 * source is the Dockerfile's own failure: never retried. What the engine
 * finished before the fault is cached, so a retry redoes only the fetch.
 */
async function syncRetrying(ctr: Container, what: string, retry: RetryDeps | undefined): Promise<void> {
  if (!retry || retry.policy.retries === 0) {
    await ctr.sync();
    return;
  }
  const r = await withRetries(
    what,
    () => ctr.sync(),
    (o) => {
      if (o.ok) return null;
      const err = o.error as { message?: string; cmd?: unknown };
      if (err.cmd || missingCopySource(err.message ?? "")) return null;
      const reason = transientNetworkText(err.message ?? String(o.error));
      return reason ? { reason } : null;
    },
    retry,
  );
  if (!r.outcome.ok) throw r.outcome.error;
}
