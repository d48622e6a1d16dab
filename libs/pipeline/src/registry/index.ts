export { RegistryClient, nextLink, type Manifest, type PingResult, type PlatformManifest, type RegistryClientOptions } from "./client.ts";
export { InvalidReferenceError, RegistryError, type RegistryErrorKind } from "./errors.ts";
export { parseWwwAuthenticate, pickChallenge, repositoryScope, grantedActions, type Challenge, type Credentials } from "./auth.ts";
export {
  apiRepository,
  imageRef,
  isDigest,
  isLoopback,
  isRepositoryName,
  isTag,
  registryEndpoint,
  repositoryName,
  repositoryRef,
  type RegistryEndpoint,
} from "./reference.ts";
export {
  MediaType,
  MANIFEST_ACCEPT,
  formatPlatform,
  isAttestation,
  isIndexMediaType,
  parsePlatform,
  sha256Digest,
  type Descriptor,
  type ImageConfig,
  type ImageIndex,
  type ImageManifest,
  type Platform,
} from "./media.ts";
