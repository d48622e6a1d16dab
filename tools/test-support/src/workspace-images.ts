import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type ImageGraph, type ImagePackage, loadImageGraph } from "@image-tooling/image-metadata";
import { INSTALL_ROOT } from "@image-tooling/cli-support";

/**
 * The workspace's image packages as committed (packages/<image>/image.yaml,
 * read by image-metadata's reader), so tests follow the packages instead of
 * a hard-coded list of names that goes stale when an image is added.
 */
export const WORKSPACE_GRAPH: ImageGraph = loadImageGraph(INSTALL_ROOT);

/** Every image package, in the order of their folders under packages/. */
export const WORKSPACE_PACKAGES: ImagePackage[] = [...WORKSPACE_GRAPH.images.values()];

/** Every image's name, sorted. */
export const WORKSPACE_IMAGES: string[] = WORKSPACE_PACKAGES.map((p) => p.name).sort();

/** The image and all its descendants (children, their children, …), sorted. */
export function familyOf(image: string, graph: ImageGraph = WORKSPACE_GRAPH): string[] {
  const family = new Set<string>();
  const add = (name: string): void => {
    family.add(name);
    for (const child of graph.children.get(name) ?? []) add(child);
  };
  add(image);
  return [...family].sort();
}

/**
 * Images whose Debian packages the harness's offline apt repository does not
 * carry (they are large and no e2e test needs them installed): pandoc's TeX
 * Live, tooling-k8s-openstack's OpenStack client and its Python stack.
 */
export const NOT_BUILT_OFFLINE: Record<string, string> = {
  pandoc: "TeX Live",
  "tooling-k8s-openstack": "python3-openstackclient",
};

/**
 * The images whose real Dockerfiles the e2e tests build on the air-gapped
 * harness (packages/toolbox-base/test/dockerfile-build.e2e.test.ts), parents
 * first: every image but those above. A new image joins by default, so those
 * tests fail until it is built there and its apt packages are in the offline
 * repository (tools/airgap-engine/src/local-apt.ts), or it is listed above
 * with a reason.
 */
export const OFFLINE_BUILT_IMAGES: string[] = WORKSPACE_GRAPH.order.filter((image) => !(image in NOT_BUILT_OFFLINE));

/**
 * An image's tools.lock.json as committed with no tools to download (their
 * upstream hosts are unreachable here): what the harness builds its real
 * Dockerfile with, the Debian packages of the lock still installed.
 */
export function lockWithoutDownloads(image: string): string {
  const pkg = WORKSPACE_PACKAGES.find((p) => p.name === image);
  if (!pkg) throw new Error(`no image package named ${image}`);
  const lock = JSON.parse(readFileSync(join(INSTALL_ROOT, pkg.root, "tools.lock.json"), "utf8")) as { tools: Record<string, unknown> };
  return JSON.stringify({ ...lock, tools: {} });
}
