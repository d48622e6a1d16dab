import { INPUTS_DIGEST_LABEL, REVISION_LABEL } from "../build/labels.ts";
import { type RegistryClient, RegistryError } from "@image-tooling/oci-registry";
import type { StagedPlatform } from "./staging.ts";

/**
 * What a staging tag holds for `platform`: the platform manifest (the tag
 * may name it directly or through a one-entry index, as an engine pushes
 * it) with the labels that say which commit and inputs it was built from;
 * null when the tag is absent.
 */
export async function readStaged(client: RegistryClient, repository: string, tag: string, platform: string): Promise<StagedPlatform | null> {
  // One read of the tag: absent (or its repository not there yet) is an answer, not an error.
  const manifests = await client.platformManifests(repository, tag).catch((e: unknown) => {
    if (e instanceof RegistryError && e.kind === "not-found") return null;
    throw e;
  });
  const m = manifests?.find((p) => p.platform === platform);
  if (!m) return null;
  const labels = (await client.imageConfig(repository, m.digest)).config?.Labels ?? {};
  return {
    platform,
    digest: m.digest,
    mediaType: m.mediaType,
    size: m.size,
    ...(labels[REVISION_LABEL] && { revision: labels[REVISION_LABEL] }),
    ...(labels[INPUTS_DIGEST_LABEL] && { inputsDigest: labels[INPUTS_DIGEST_LABEL] }),
  };
}
