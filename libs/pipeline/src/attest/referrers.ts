import type { ImageManifest, RegistryClient } from "@image-tooling/oci-registry";
import { PREDICATE, SIGSTORE_BUNDLE, type AttestationState } from "./plan.ts";
import { checkSigner, type ExpectedSigner } from "./signer.ts";
import { noVerifiedBundles, type VerifiedBundles } from "./verified-bundles.ts";

const PREDICATE_ANNOTATION = "dev.sigstore.bundle.predicateType";

/** The SPDX document name we give the SBOM of one platform manifest. */
export const sbomName = (repositoryRef: string, platformDigest: string): string => `${repositoryRef}@${platformDigest}`;

/**
 * What the registry holds for an index and its platform manifests: cosign's
 * bundles among their referrers, by predicate type, that `expected` signed.
 * The signature and the provenance are attached to the index, each platform's
 * SBOM to that platform's manifest, so a bundle's subject says what it covers
 * and the bundle manifests' annotations say what they are. Each bundle is
 * then checked for who signed it (signer.ts); a bundle by anyone else is
 * reported and does not count. An SBOM's bundle holds the SBOM (megabytes), so
 * a positive verdict is remembered by the bundle's digest (`verified`) and a
 * re-run on the same machine downloads it only once.
 */
export async function readAttestations(
  client: RegistryClient,
  repository: string,
  digest: string | null,
  platformDigests: string[],
  expected: ExpectedSigner,
  verified: VerifiedBundles = noVerifiedBundles,
): Promise<AttestationState> {
  const [onIndex, ...onPlatforms] = await Promise.all([
    digest ? bundlesOf(client, repository, digest, expected, verified) : Promise.resolve([]),
    ...platformDigests.map((subject) => bundlesOf(client, repository, subject, expected, verified)),
  ]);
  const state: AttestationState = {
    signature: onIndex!.find((b) => b.type === PREDICATE.signature && b.signer.ok)?.digest,
    provenance: onIndex!.find((b) => b.type === PREDICATE.provenance && b.signer.ok)?.digest,
    sbom: {},
    foreign: [],
  };
  const foreign = (subject: string, bundles: Bundle[], types: string[]) => {
    for (const b of bundles) {
      if (b.type && types.includes(b.type) && !b.signer.ok) state.foreign.push({ subject, type: b.type, digest: b.digest, reason: b.signer.reason });
    }
  };
  if (digest) foreign(digest, onIndex!, [PREDICATE.signature, PREDICATE.provenance]);
  platformDigests.forEach((platformDigest, i) => {
    const sbom = onPlatforms[i]!.find((b) => b.type === PREDICATE.sbom && b.signer.ok);
    if (sbom) state.sbom[platformDigest] = sbom.digest;
    foreign(platformDigest, onPlatforms[i]!, [PREDICATE.sbom]);
  });
  return state;
}

interface Bundle {
  digest: string;
  type?: string;
  signer: ReturnType<typeof checkSigner>;
}

/** cosign's bundles whose subject is `subject`, with their predicate types and whether `expected` signed them. */
async function bundlesOf(client: RegistryClient, repository: string, subject: string, expected: ExpectedSigner, verified: VerifiedBundles): Promise<Bundle[]> {
  const candidates = (await client.referrers(repository, subject)).filter((r) => r.artifactType === SIGSTORE_BUNDLE);
  return Promise.all(
    candidates.map(async (ref) => {
      // The referrers API copies each manifest's annotations into its list; the referrers tag scheme's index may not.
      const manifest = (await client.getManifest(repository, ref.digest)).json as ImageManifest & { annotations?: Record<string, string> };
      const type = ref.annotations?.[PREDICATE_ANNOTATION] ?? manifest.annotations?.[PREDICATE_ANNOTATION];
      const layer = manifest.layers?.[0];
      if (!layer) return { digest: ref.digest, type, signer: { ok: false, reason: "the bundle manifest has no bundle" } as const };
      if (verified.has(expected, subject, layer.digest)) return { digest: ref.digest, type, signer: { ok: true } as const };
      let bundle: unknown;
      try {
        bundle = JSON.parse((await client.getBlob(repository, layer.digest)).toString("utf8"));
      } catch {
        return { digest: ref.digest, type, signer: { ok: false, reason: "the bundle is not JSON" } as const };
      }
      const signer = checkSigner(bundle, expected, subject);
      if (signer.ok) verified.add(expected, subject, layer.digest);
      return { digest: ref.digest, type, signer };
    }),
  );
}
