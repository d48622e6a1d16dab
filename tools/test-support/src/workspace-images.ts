import { buildImageGraph, findImagePackageRoots, type ImageGraph, type ImagePackage, readImagePackage } from "@image-tooling/image-metadata";
import { REPO_ROOT } from "./temp-workspace.ts";

/**
 * The workspace's image packages as committed (packages/<image>/image.yaml,
 * read by image-metadata's reader), so tests follow the packages instead of
 * a hard-coded list of names that goes stale when an image is added.
 */
export const WORKSPACE_PACKAGES: ImagePackage[] = findImagePackageRoots(REPO_ROOT).map((root) => readImagePackage(REPO_ROOT, root));

/** The image graph (parents, children, build order) of {@link WORKSPACE_PACKAGES}. */
export const WORKSPACE_GRAPH: ImageGraph = buildImageGraph(WORKSPACE_PACKAGES);

/** Every image's name, sorted. */
export const WORKSPACE_IMAGES: string[] = WORKSPACE_PACKAGES.map((p) => p.name).sort();
