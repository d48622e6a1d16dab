import type { ImagePackage } from "@image-tooling/image-metadata";

/**
 * The entrypoint, toolbox-help and fetch-tools are written once, in the root
 * image of the family. Children inherit them from their parent image; images
 * on an external base (buildx, pandoc) cannot, because a build only sees its
 * own package directory, so they carry byte-identical copies that
 * `npm run image-docs` writes and the lint compares.
 */
export const SHARED_SOURCE_IMAGE = "tooling-k8s";

export const SHARED_FILES = ["rootfs/usr/local/bin/entrypoint", "rootfs/usr/local/bin/toolbox-help", "rootfs/usr/local/libexec/toolbox/fetch-tools"] as const;

export const needsSharedCopies = (pkg: ImagePackage): boolean => pkg.name !== SHARED_SOURCE_IMAGE && pkg.metadata.parent === undefined;
