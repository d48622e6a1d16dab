import type { ExpectedSigner } from "../attest/signer.ts";
import { describeExpected } from "../attest/signer.ts";
import type { RegistryClient } from "@image-tooling/oci-registry";
import { readAttachedSbom } from "../scan/attested-reports.ts";
import type { ToolPin, VersionFacts } from "./compare.ts";
import { debianPackages, lockedTools } from "./sbom-facts.ts";

/** A version "what changed" was asked about that the registry does not have. */
export class ChangesError extends Error {}

/**
 * One published version's facts from the registry: its index and platform
 * digests, each platform's compressed size, the base labels, and from each
 * platform's SBOM (only one the expected signer made) its Debian packages
 * and locked tools. `fallbackTools` answers for the tools when no SBOM
 * counts (the version's git tag).
 */
export async function readVersionFacts(
  client: RegistryClient,
  repository: string,
  version: string,
  expected: ExpectedSigner,
  fallbackTools: () => { pins: ToolPin[]; from: string } | undefined,
  reference: string = version,
): Promise<VersionFacts> {
  const digest = await client.manifestDigest(repository, reference);
  if (!digest) throw new ChangesError(`${client.repositoryRef(repository)}:${reference} is not in the registry`);
  const manifests = await client.platformManifests(repository, digest);
  const [sizes, config, sboms] = await Promise.all([
    client.platformSizes(repository, digest, manifests),
    manifests[0] ? client.imageConfig(repository, manifests[0].digest) : undefined,
    Promise.all(manifests.map(async (m) => [m.platform, await readAttachedSbom(client, repository, m.digest, expected)] as const)),
  ]);
  const labels = config?.config?.Labels ?? {};
  const baseName = labels["org.opencontainers.image.base.name"];
  const baseDigest = labels["org.opencontainers.image.base.digest"];
  const none = `no SBOM signed by ${describeExpected(expected)}`;
  const packages = Object.fromEntries(sboms.map(([platform, sbom]) => [platform, sbom ? debianPackages(sbom) : { unknown: none }]));
  const first = sboms.find(([, sbom]) => sbom)?.[1];
  const tools = first
    ? { pins: lockedTools(first), from: "its SBOM" }
    : (fallbackTools() ?? { unknown: `${none}, and no git tag to read its tools.lock.json from` });
  return { version, digest, ...(baseName && baseDigest && { base: { name: baseName, digest: baseDigest } }), sizes, tools, packages };
}
