import { createHash, type Hash } from "node:crypto";

/** The manifest formats a multi-arch publish can produce or meet in the wild. */
export const MediaType = {
  ociIndex: "application/vnd.oci.image.index.v1+json",
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  ociConfig: "application/vnd.oci.image.config.v1+json",
  ociLayerGzip: "application/vnd.oci.image.layer.v1.tar+gzip",
  dockerManifestList: "application/vnd.docker.distribution.manifest.list.v2+json",
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  dockerConfig: "application/vnd.docker.container.image.v1+json",
} as const;

/** Indexes first: asking for a tag must return the multi-platform list, not one platform picked for us. */
export const MANIFEST_ACCEPT = [MediaType.ociIndex, MediaType.dockerManifestList, MediaType.ociManifest, MediaType.dockerManifest].join(", ");

export function isIndexMediaType(mediaType: string): boolean {
  return mediaType === MediaType.ociIndex || mediaType === MediaType.dockerManifestList;
}

/** The one content digest of the code base: `sha256:<hex>` of the exact bytes (a string counts as its UTF-8). */
export function sha256Digest(bytes: string | Uint8Array): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

/**
 * A running hash with the algorithm `digest` names (`sha256:…`, `sha512:…`),
 * for content that streams past in chunks; null when the algorithm is not one
 * the OCI spec registers.
 */
export function digester(digest: string): { update(chunk: Uint8Array): void; digest(): string } | null {
  const algorithm = digest.slice(0, digest.indexOf(":"));
  if (algorithm !== "sha256" && algorithm !== "sha512") return null;
  const hash: Hash = createHash(algorithm);
  return { update: (chunk) => hash.update(chunk), digest: () => `${algorithm}:${hash.digest("hex")}` };
}

/** Recomputes a digest with the algorithm it names; null when the algorithm is not one Node has. */
export function computeDigest(algorithmOf: string, bytes: Uint8Array): string | null {
  const d = digester(algorithmOf);
  if (!d) return null;
  d.update(bytes);
  return d.digest();
}

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform & { "os.version"?: string; "os.features"?: string[] };
  annotations?: Record<string, string>;
  [key: string]: unknown;
}

export interface ImageIndex {
  schemaVersion: 2;
  mediaType?: string;
  manifests: Descriptor[];
  annotations?: Record<string, string>;
}

export interface ImageManifest {
  schemaVersion: 2;
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

/** The parts of an image config the pipeline reads; the rest passes through untyped. */
export interface ImageConfig {
  architecture?: string;
  os?: string;
  variant?: string;
  created?: string;
  config?: {
    User?: string;
    Env?: string[];
    Entrypoint?: string[] | null;
    Cmd?: string[] | null;
    WorkingDir?: string;
    Labels?: Record<string, string> | null;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** `linux/arm64`, `linux/arm/v7`. */
export function parsePlatform(s: string): Platform {
  const [os, architecture, variant, ...rest] = s.split("/");
  if (!os || !architecture || rest.length > 0 || variant === "") {
    throw new Error(`invalid platform "${s}": expected os/architecture[/variant], e.g. linux/arm64`);
  }
  return variant ? { os, architecture, variant } : { os, architecture };
}

export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join("/");
}

/**
 * BuildKit puts provenance/SBOM attestations in the index as `unknown/unknown`
 * entries; they are not images anyone can run.
 */
export function isAttestation(d: Descriptor): boolean {
  return d.annotations?.["vnd.docker.reference.type"] === "attestation-manifest" || (d.platform?.os === "unknown" && d.platform.architecture === "unknown");
}

export function platformMatches(wanted: Platform, actual: Platform | undefined): boolean {
  if (!actual || actual.os !== wanted.os || actual.architecture !== wanted.architecture) return false;
  // An unspecified variant matches any: `linux/arm64` finds an entry labelled `linux/arm64/v8`.
  return !wanted.variant || wanted.variant === actual.variant;
}
