import { createHash } from "node:crypto";

/**
 * Pure OCI image-spec documents. Blobs are produced elsewhere; these
 * functions only describe them, so digests and media types can be unit-tested.
 */

export const MEDIA = {
  index: "application/vnd.oci.image.index.v1+json",
  manifest: "application/vnd.oci.image.manifest.v1+json",
  config: "application/vnd.oci.image.config.v1+json",
  layerGzip: "application/vnd.oci.image.layer.v1.tar+gzip",
  dockerManifestList: "application/vnd.docker.distribution.manifest.list.v2+json",
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
} as const;

export interface Platform {
  os: "linux";
  architecture: string;
  variant?: string;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
  annotations?: Record<string, string>;
}

export interface Layer {
  /** Descriptor of the compressed blob. */
  blob: Descriptor;
  /** sha256 of the uncompressed tar (the config's rootfs.diff_ids). */
  diffId: string;
  createdBy: string;
}

export function sha256Digest(data: string | Uint8Array): string {
  return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}

/** Debian architecture name → OCI platform (arm64 is always v8 for Debian's arm64). */
export function platformFor(debArch: string): Platform {
  switch (debArch) {
    case "amd64":
      return { os: "linux", architecture: "amd64" };
    case "arm64":
      return { os: "linux", architecture: "arm64", variant: "v8" };
    default:
      throw new Error(`unsupported Debian architecture ${debArch}`);
  }
}

export function platformString(p: Platform): string {
  return `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ""}`;
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

/** Serialized document plus its descriptor; the bytes are what gets pushed. */
export interface Blob {
  bytes: string;
  descriptor: Descriptor;
}

export function jsonBlob(mediaType: string, doc: unknown, extra: Partial<Descriptor> = {}): Blob {
  const bytes = JSON.stringify(doc);
  return {
    bytes,
    descriptor: { mediaType, digest: sha256Digest(bytes), size: Buffer.byteLength(bytes), ...extra },
  };
}

export function imageManifest(opts: {
  config: Blob;
  layers: readonly Layer[];
  platform: Platform;
  annotations?: Record<string, string>;
}): Blob {
  const doc = {
    schemaVersion: 2,
    mediaType: MEDIA.manifest,
    config: opts.config.descriptor,
    layers: opts.layers.map((l) => l.blob),
    ...(opts.annotations ? { annotations: opts.annotations } : {}),
  };
  return jsonBlob(MEDIA.manifest, doc, { platform: opts.platform });
}

export function imageIndex(manifests: readonly Blob[], annotations?: Record<string, string>): Blob {
  const platforms = manifests.map((m) => (m.descriptor.platform ? platformString(m.descriptor.platform) : "?"));
  const dup = platforms.find((p, i) => platforms.indexOf(p) !== i);
  if (dup) throw new Error(`image index would list platform ${dup} twice`);
  const doc = {
    schemaVersion: 2,
    mediaType: MEDIA.index,
    manifests: manifests.map((m) => m.descriptor),
    ...(annotations ? { annotations } : {}),
  };
  return jsonBlob(MEDIA.index, doc);
}

/** Platforms listed by an index / manifest list, as "os/arch[/variant]". */
export function indexPlatforms(doc: unknown): string[] {
  const manifests = (doc as { manifests?: Array<{ platform?: Platform }> })?.manifests ?? [];
  return manifests.filter((m) => m.platform).map((m) => platformString(m.platform!));
}
