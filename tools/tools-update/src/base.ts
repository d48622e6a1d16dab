// External bases follow their tag to its newest multi-platform digest; the
// rules live with the registry client, shared with the image generator.
export { anonymousRegistry, type BaseRef, newestBaseDigest, parseBaseRef, type RegistryFor } from "@image-tooling/oci-registry";
