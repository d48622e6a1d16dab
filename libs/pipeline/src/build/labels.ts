import type { ImagePackage } from "@image-tooling/image-metadata";

/** Our own label: what the image was built from, to tell a stale published parent from a current one. */
export const INPUTS_DIGEST_LABEL = "dev.image-tooling.inputs.digest";
/** The commit an image was built from (OCI pre-defined annotation). */
export const REVISION_LABEL = "org.opencontainers.image.revision";

export interface LabelInputs {
  pkg: ImagePackage;
  revision: string;
  /** RFC 3339; the commit time, so a rebuild of the same commit labels identically. */
  created: string;
  source?: string;
  base: { name: string; digest: string };
  inputsDigest: string;
}

/**
 * OCI labels (image config) that the pipeline also sets as manifest
 * annotations. Keys from the OCI image spec's pre-defined annotations.
 */
export function imageLabels(i: LabelInputs): Record<string, string> {
  const labels: Record<string, string> = {
    "org.opencontainers.image.title": i.pkg.name,
    "org.opencontainers.image.description": i.pkg.metadata.description,
    "org.opencontainers.image.version": i.pkg.version,
    [REVISION_LABEL]: i.revision,
    "org.opencontainers.image.created": i.created,
    "org.opencontainers.image.base.name": i.base.name,
    "org.opencontainers.image.base.digest": i.base.digest,
    [INPUTS_DIGEST_LABEL]: i.inputsDigest,
  };
  if (i.source) labels["org.opencontainers.image.source"] = i.source;
  if (i.pkg.license) labels["org.opencontainers.image.licenses"] = i.pkg.license;
  return labels;
}
