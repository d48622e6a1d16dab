// The registry client's public face (`@image-tooling/pipeline/registry`): what
// the harness, the tools updater and the bench use. The pipeline's own modules
// import the files directly.
export { type BlobSource, type Manifest, RegistryClient, type RegistryClientOptions } from "./client.ts";
export { type ImageConfigInput, type JsonBlob, type Layer, imageConfig, imageIndex, imageManifest, jsonBlob } from "./documents.ts";
export { InvalidReferenceError, RegistryError, type RegistryErrorKind } from "./errors.ts";
export {
  type Descriptor,
  formatPlatform,
  type ImageConfig,
  type ImageIndex,
  type ImageManifest,
  isIndexMediaType,
  MediaType,
  type Platform,
  sha256Digest,
} from "./media.ts";
export { fileBlob, type ImageUpload, pushImage } from "./push-image.ts";
export { registryEndpoint } from "./reference.ts";
