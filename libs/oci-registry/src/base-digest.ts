import { RegistryClient } from "./client.ts";
import { type ImageIndex, isIndexMediaType, parsePlatform, platformMatches } from "./media.ts";

/**
 * An external base's tag, resolved to the multi-platform digest image.yaml
 * pins: what the tools updater follows and the image generator writes. One
 * copy, so both accept and refuse the same bases.
 */

/** A base reference as image.yaml writes it: docker.io/library/debian:trixie-slim. */
export interface BaseRef {
  registry: string;
  repository: string;
  tag: string;
}

/** The tag cannot give a digest that covers every platform (a single-platform manifest, a missing platform). */
export class BaseDigestError extends Error {
  override name = "BaseDigestError";
}

export function parseBaseRef(image: string): BaseRef {
  const slash = image.indexOf("/");
  const first = slash < 0 ? "" : image.slice(0, slash);
  const hasRegistry = first.includes(".") || first.includes(":") || first === "localhost";
  const registry = hasRegistry ? first : "docker.io";
  const rest = hasRegistry ? image.slice(slash + 1) : image;
  const colon = rest.lastIndexOf(":");
  if (colon < 0 || colon < rest.lastIndexOf("/"))
    throw new BaseDigestError(`base image "${image}" has no tag: name a tag (e.g. debian:trixie-slim), whose current digest is then pinned`);
  return { registry, repository: rest.slice(0, colon), tag: rest.slice(colon + 1) };
}

export type RegistryFor = (registry: string) => RegistryClient;
export const anonymousRegistry: RegistryFor = (registry) => new RegistryClient({ registry });

/**
 * The digest the base's tag points at now, which must be a multi-platform
 * index covering every platform the image builds (a single-platform manifest
 * would silently drop an architecture).
 */
export async function newestBaseDigest(registryFor: RegistryFor, image: string, platforms: string[]): Promise<string> {
  const ref = parseBaseRef(image);
  const client = registryFor(ref.registry);
  const m = await client.getManifest(ref.repository, ref.tag);
  if (!isIndexMediaType(m.mediaType) && !("manifests" in m.json)) {
    throw new BaseDigestError(`${image} is a single-platform manifest (${m.mediaType}), not a multi-platform index; the image builds ${platforms.join(" + ")}`);
  }
  // `linux/arm64` is found as `linux/arm64/v8`, as Docker Hub's Debian labels it.
  const entries = (m.json as ImageIndex).manifests;
  const missing = platforms.filter((p) => !entries.some((d) => platformMatches(parsePlatform(p), d.platform)));
  if (missing.length) throw new BaseDigestError(`${image} (${m.digest}) has no ${missing.join(", ")} image`);
  return m.digest;
}
