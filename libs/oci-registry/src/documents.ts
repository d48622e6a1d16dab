import { type Descriptor, MediaType, type Platform, formatPlatform, sha256Digest } from "./media.ts";

/**
 * OCI image-spec documents (config, manifest, index) built from their parts,
 * for images assembled without a builder: the harness's seeded Debian and
 * registry bases, and the test images. Pure: blobs are produced elsewhere;
 * these functions only describe them, and the exact bytes they return are
 * what gets pushed, so the digests are known before any request.
 */

export interface Layer {
  /** Descriptor of the compressed blob. */
  blob: Descriptor;
  /** sha256 of the uncompressed content (the config's rootfs.diff_ids). */
  diffId: string;
  createdBy: string;
}

/** A serialized document and its descriptor; the bytes are what gets pushed. */
export interface JsonBlob {
  bytes: Buffer;
  descriptor: Descriptor;
}

export interface ImageConfigInput {
  platform: Platform;
  created: string;
  layers: readonly Layer[];
  env?: readonly string[];
  entrypoint?: readonly string[];
  cmd?: readonly string[];
  workingDir?: string;
  exposedPorts?: readonly string[];
  volumes?: readonly string[];
  labels?: Record<string, string>;
}

export const DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export function imageConfig(input: ImageConfigInput): Record<string, unknown> {
  const config: Record<string, unknown> = { Env: [...(input.env ?? [DEFAULT_PATH])] };
  if (input.entrypoint) config.Entrypoint = [...input.entrypoint];
  if (input.cmd) config.Cmd = [...input.cmd];
  if (input.workingDir) config.WorkingDir = input.workingDir;
  if (input.exposedPorts?.length) config.ExposedPorts = Object.fromEntries(input.exposedPorts.map((p) => [p, {}]));
  if (input.volumes?.length) config.Volumes = Object.fromEntries(input.volumes.map((v) => [v, {}]));
  if (input.labels && Object.keys(input.labels).length) config.Labels = { ...input.labels };
  return {
    created: input.created,
    architecture: input.platform.architecture,
    ...(input.platform.variant ? { variant: input.platform.variant } : {}),
    os: input.platform.os,
    config,
    rootfs: { type: "layers", diff_ids: input.layers.map((l) => l.diffId) },
    history: input.layers.map((l) => ({ created: input.created, created_by: l.createdBy })),
  };
}

export function jsonBlob(mediaType: string, doc: unknown, extra: Partial<Descriptor> = {}): JsonBlob {
  const bytes = Buffer.from(JSON.stringify(doc));
  return { bytes, descriptor: { mediaType, digest: sha256Digest(bytes), size: bytes.length, ...extra } };
}

/** A platform's manifest; its descriptor carries the platform, as an index lists it. */
export function imageManifest(opts: { config: JsonBlob; layers: readonly Layer[]; platform: Platform; annotations?: Record<string, string> }): JsonBlob {
  const doc = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: opts.config.descriptor,
    layers: opts.layers.map((l) => l.blob),
    ...(opts.annotations ? { annotations: opts.annotations } : {}),
  };
  return jsonBlob(MediaType.ociManifest, doc, { platform: opts.platform });
}

export function imageIndex(manifests: readonly JsonBlob[], annotations?: Record<string, string>): JsonBlob {
  const platforms = manifests.map((m) => (m.descriptor.platform ? formatPlatform(m.descriptor.platform) : "?"));
  const dup = platforms.find((p, i) => platforms.indexOf(p) !== i);
  if (dup) throw new Error(`image index would list platform ${dup} twice`);
  const doc = {
    schemaVersion: 2,
    mediaType: MediaType.ociIndex,
    manifests: manifests.map((m) => m.descriptor),
    ...(annotations ? { annotations } : {}),
  };
  return jsonBlob(MediaType.ociIndex, doc);
}
