import { externalBaseSchema, SUPPORTED_PLATFORMS } from "@image-tooling/image-metadata";
import { newestBaseDigest, type RegistryFor } from "@image-tooling/oci-registry";
import { GeneratorInputError } from "./options.ts";

/**
 * The digest `--base <ref>` pins: read from the registry now, and a
 * multi-platform index with every platform the image builds.
 */
export async function pinBase(registryFor: RegistryFor, base: string): Promise<{ image: string; digest: string }> {
  if (base.includes("@")) {
    throw new GeneratorInputError(
      `--base "${base}": name a tag without a digest (e.g. docker.io/library/debian:trixie-slim); its current digest is read from the registry and pinned in image.yaml`,
    );
  }
  const valid = externalBaseSchema.shape.image.safeParse(base);
  if (!valid.success) throw new GeneratorInputError(`--base "${base}" ${valid.error.issues[0]?.message ?? "is not an image reference"}`);
  try {
    return { image: base, digest: await newestBaseDigest(registryFor, base, [...SUPPORTED_PLATFORMS]) };
  } catch (e) {
    throw new GeneratorInputError(`--base "${base}": cannot pin its digest: ${e instanceof Error ? e.message : String(e)}`);
  }
}
