// The registry client's public face (`@image-tooling/pipeline/registry`): what
// the harness, the tools updater and the image generator use. The pipeline's own modules import the
// files directly.
export { anonymousRegistry, BaseDigestError, type BaseRef, newestBaseDigest, parseBaseRef, type RegistryFor } from "./base-digest.ts";
export { type BlobSource, RegistryClient, type RegistryClientOptions } from "./client.ts";
export { type ImageConfigInput, type JsonBlob, type Layer, imageConfig, imageIndex, imageManifest, jsonBlob } from "./documents.ts";
export { RegistryError } from "./errors.ts";
export { formatPlatform, type ImageIndex, type ImageManifest, isIndexMediaType, MediaType, type Platform, parsePlatform, sha256Digest } from "./media.ts";
export { fileBlob, type ImageUpload, pushImage } from "./push-image.ts";
export { registryEndpoint } from "./reference.ts";
