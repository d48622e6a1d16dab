import type { ImagePackage } from "@image-tooling/image-metadata";
import type { PlatformContainers } from "./build-image.ts";

/** One image built for its platforms in this session, with what its labels and the base it was built on say. */
export interface BuiltImage {
  pkg: ImagePackage;
  containers: PlatformContainers;
  labels: Record<string, string>;
  inputsDigest: string;
  /** The digest-pinned reference BASE_IMAGE was. */
  baseRef: string;
}
