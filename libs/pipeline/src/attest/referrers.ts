import type { RegistryClient } from "../registry/client.ts";
import { PREDICATE, SIGSTORE_BUNDLE, type AttestationState } from "./plan.ts";

const PREDICATE_ANNOTATION = "dev.sigstore.bundle.predicateType";

/** The SPDX document name we give the SBOM of one platform manifest. */
export const sbomName = (repositoryRef: string, platformDigest: string): string => `${repositoryRef}@${platformDigest}`;

/**
 * What the registry holds for an index and its platform manifests: cosign's
 * bundles among their referrers, by predicate type. The signature and the
 * provenance are attached to the index, each platform's SBOM to that
 * platform's manifest, so a bundle's subject says what it covers and the
 * bundle manifests' annotations (a few hundred bytes each) say what they are:
 * the SBOMs themselves, megabytes each, are never downloaded to find out.
 */
export async function readAttestations(client: RegistryClient, repository: string, digest: string, platformDigests: string[]): Promise<AttestationState> {
  const [onIndex, ...onPlatforms] = await Promise.all([digest, ...platformDigests].map((subject) => bundlesOf(client, repository, subject)));
  const state: AttestationState = {
    signature: onIndex!.find((b) => b.type === PREDICATE.signature)?.digest,
    provenance: onIndex!.find((b) => b.type === PREDICATE.provenance)?.digest,
    sbom: {},
  };
  platformDigests.forEach((platformDigest, i) => {
    const sbom = onPlatforms[i]!.find((b) => b.type === PREDICATE.sbom);
    if (sbom) state.sbom[platformDigest] = sbom.digest;
  });
  return state;
}

/** cosign's bundles whose subject is `subject`, with their predicate types. */
async function bundlesOf(client: RegistryClient, repository: string, subject: string): Promise<{ digest: string; type?: string }[]> {
  const out: { digest: string; type?: string }[] = [];
  for (const ref of await client.referrers(repository, subject)) {
    if (ref.artifactType !== SIGSTORE_BUNDLE) continue;
    // The referrers API copies each manifest's annotations into its list; the referrers tag scheme's index may not.
    const type =
      ref.annotations?.[PREDICATE_ANNOTATION] ??
      ((await client.getManifest(repository, ref.digest)).json as { annotations?: Record<string, string> }).annotations?.[PREDICATE_ANNOTATION];
    out.push({ digest: ref.digest, type });
  }
  return out;
}
