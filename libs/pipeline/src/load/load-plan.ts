import { SUPPORTED_PLATFORMS, type ImagePackage, type Platform } from "@image-tooling/image-metadata";
import { repositoryName } from "@image-tooling/oci-registry";

/**
 * What `load` does with a built image, decided before anything is built:
 * which platform, which local tags, and the `docker run` line it prints.
 * Pure: the Docker daemon's answers are passed in.
 */

/** A load that cannot go ahead: one message naming the image, what is wrong and what to do. */
export class LoadError extends Error {}

/** The local tags: `dev` and `X.Y.Z-dev`, under the configured namespace when there is one. */
export function devTags(image: string, version: string, namespace?: string): string[] {
  const repository = repositoryName(namespace, image);
  return [`${repository}:dev`, `${repository}:${version}-dev`];
}

/**
 * The platform to build: `--platform` when given, otherwise the Docker
 * daemon's own (the image has to run there). Either way one the image is
 * built for.
 */
export function choosePlatform(pkg: Pick<ImagePackage, "name" | "metadata" | "files">, requested: string | undefined, daemon: string): Platform {
  const wanted = requested ?? daemon;
  const from = requested ? "--platform" : `the Docker daemon's platform (${daemon})`;
  if (!(SUPPORTED_PLATFORMS as readonly string[]).includes(wanted))
    throw new LoadError(`${pkg.name}: ${from} is "${wanted}", which no image is built for: use --platform ${SUPPORTED_PLATFORMS.join(" or --platform ")}`);
  if (!(pkg.metadata.platforms as readonly string[]).includes(wanted))
    throw new LoadError(
      `${pkg.name}: ${from} is ${wanted}, but ${pkg.files.metadata} lists only ${pkg.metadata.platforms.join(", ")}: load with --platform ${pkg.metadata.platforms[0]}`,
    );
  return wanted as Platform;
}

/** Docker's `Os/Arch` answer as a platform name (`linux/amd64`). */
export const daemonPlatform = (os: string, arch: string): string => `${os.trim()}/${arch.trim()}`;

/** The image ID `docker load` printed (`Loaded image ID: sha256:…`), or the reference it printed (`Loaded image: name:tag`). */
export function loadedImage(output: string): string | undefined {
  return /Loaded image ID: (sha256:[a-f0-9]{64})/.exec(output)?.[1] ?? /Loaded image: (\S+)/.exec(output)?.[1];
}

/**
 * The line to try the image with: interactive, removed afterwards, the
 * current directory as /work, and, for an image that carries kubectl (its own
 * lock or an ancestor's), the user's kubeconfig read-only at /mnt/kube, where
 * the toolbox entrypoint links it into ~/.kube (the README's alias).
 */
export function dockerRunLine(ref: string, opts: { kubeconfig: boolean }): string {
  return ["docker run -it --rm", ...(opts.kubeconfig ? ["-v ~/.kube:/mnt/kube:ro"] : []), '-v "$PWD":/work -w /work', ref].join(" ");
}
