import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Container } from "@dagger.io/dagger";
import { failedAncestor, type Platform } from "@image-tooling/image-metadata";
import { lockSources } from "../attest/attest-image.ts";
import type { ImageResult } from "../report/result.ts";
import { formatBytes } from "../log/size.ts";
import { ParentFailedError, withBuildSession, type ImageOutcome } from "../run/build-session.ts";
import type { RunContext } from "../context/run-context.ts";
import { imageOrThrow } from "../context/workspace.ts";
import { dockerOk } from "./docker-cli.ts";
import { choosePlatform, daemonPlatform, devTags, dockerRunLine, loadedImage, LoadError } from "./load-plan.ts";

/**
 * `load <images…> [--platform p]`: builds each image (its parents from this
 * commit too, as smoke does) for one platform and loads it into the local
 * Docker daemon as `<namespace>/<image>:dev` and `:X.Y.Z-dev`.
 *
 * The image travels as an OCI tarball through this client: the engine writes
 * it to a file here (Container.export), `docker load` reads that file. No
 * registry is involved, so it works wherever the engine runs — in its own
 * container network, on a remote machine — and whatever the daemon can reach.
 */
export async function runLoadCommand(
  run: RunContext,
  images: string[],
  opts: { platform?: string; verbose?: boolean },
  onOutcome: (outcome: ImageOutcome) => void,
): Promise<void> {
  // Asked before anything is built: without a daemon there is nowhere to load to.
  const [os, arch] = (await dockerOk(["version", "--format", "{{.Server.Os}} {{.Server.Arch}}"], "load needs a running Docker daemon")).trim().split(/\s+/);
  const daemon = daemonPlatform(os ?? "", arch ?? "");
  // One platform for the whole run (the chain is built for it once); an image not built for it fails before the engine starts.
  const platform = opts.platform ?? daemon;
  const ready: string[] = [];
  for (const image of images) {
    try {
      choosePlatform(imageOrThrow(run.ws, image), opts.platform, daemon);
      ready.push(image);
    } catch (error) {
      onOutcome({ image, error });
    }
  }
  if (ready.length === 0) return;
  const unbuilt = new Set<string>();
  await withBuildSession(
    run,
    async (_ctx, build) => {
      for (const image of ready) {
        const t0 = Date.now();
        try {
          const blockedBy = failedAncestor(run.ws.graph.images, image, unbuilt);
          if (blockedBy) throw new ParentFailedError(`${image}: not loaded: its parent ${blockedBy} failed to build in this run`);
          let built: Awaited<ReturnType<typeof build>>;
          try {
            built = await build(image);
          } catch (e) {
            unbuilt.add(image);
            throw e;
          }
          const { pkg } = built;
          const loaded = await loadIntoDocker(run, image, pkg.version, built.containers.get(platform as Platform)!, platform);
          onOutcome({
            image,
            result: {
              image,
              version: pkg.version,
              command: "load",
              status: "loaded",
              base: built.baseRef,
              inputsDigest: built.inputsDigest,
              loaded,
              durationMs: Date.now() - t0,
            },
          });
        } catch (error) {
          onOutcome({ image, error });
        }
      }
    },
    { verbose: opts.verbose, platforms: [platform as Platform] },
  );
}

/** Exports one platform's image to a tarball on this machine, loads it into Docker, tags it, and says how to run it. */
async function loadIntoDocker(run: RunContext, image: string, version: string, ctr: Container, platform: string): Promise<NonNullable<ImageResult["loaded"]>> {
  const dir = mkdtempSync(join(tmpdir(), "image-load-"));
  const tarball = join(dir, `${image}.tar`);
  try {
    await run.log.step(`${image}: export ${platform} as an OCI tarball to this machine`, () => ctr.export(tarball));
    const tarballBytes = statSync(tarball).size;
    const output = await run.log.step(`${image}: docker load (${formatBytes(tarballBytes)})`, () => dockerOk(["load", "-i", tarball], `${image}: docker load`));
    const id = loadedImage(output);
    if (!id) throw new LoadError(`${image}: docker load named no image (it said: ${output.trim().split("\n").at(-1)})`);
    const tags = devTags(image, version, run.config?.namespace);
    for (const tag of tags) await dockerOk(["tag", id, tag], `${image}: docker tag`);
    run.log.info(`✔ ${image} ${version} (${platform}) is in your Docker as ${tags.join(" and ")}`);
    run.log.info(`  try it: ${dockerRunLine(tags[0]!, { kubeconfig: carriesKubectl(run, image) })}`);
    return { platform, tags, imageId: id, tarballBytes };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Whether kubectl is pinned in the image's lock or an ancestor's: then the run line mounts the user's kubeconfig. */
function carriesKubectl(run: RunContext, image: string): boolean {
  try {
    return lockSources(run.ws, image).some((l) => "kubectl" in l.lock.tools);
  } catch {
    // A lock that does not parse fails lint and publish with its own message; here it only decides a hint.
    return false;
  }
}
