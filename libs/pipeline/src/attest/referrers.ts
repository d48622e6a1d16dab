import type { RegistryClient } from "../registry/client.ts";
import { PREDICATE, SIGSTORE_BUNDLE, type AttestationState } from "./plan.ts";

const PREDICATE_ANNOTATION = "dev.sigstore.bundle.predicateType";

/** The platform manifest an SBOM describes: its SPDX document name ends in `@<digest>` (see sbomName). */
export function describedDigest(sbomName: unknown): string | undefined {
  return typeof sbomName === "string" ? /@(sha256:[0-9a-f]{64})$/.exec(sbomName)?.[1] : undefined;
}

/** The SPDX document name we give the SBOM of one platform manifest. */
export const sbomName = (repositoryRef: string, platformDigest: string): string => `${repositoryRef}@${platformDigest}`;

/**
 * What the registry holds for an index digest: cosign's bundles among its
 * referrers, by predicate type. An SBOM's platform is read from inside its
 * bundle (the in-toto statement's SPDX document name).
 */
export async function readAttestations(client: RegistryClient, repository: string, digest: string): Promise<AttestationState> {
  const state: AttestationState = { sbom: {} };
  for (const ref of await client.referrers(repository, digest)) {
    if (ref.artifactType !== SIGSTORE_BUNDLE) continue;
    const manifest = await client.getManifest(repository, ref.digest);
    const json = manifest.json as { annotations?: Record<string, string>; layers?: { digest: string }[] };
    const type = json.annotations?.[PREDICATE_ANNOTATION];
    if (type === PREDICATE.signature) state.signature ??= ref.digest;
    else if (type === PREDICATE.provenance) state.provenance ??= ref.digest;
    else if (type === PREDICATE.sbom && json.layers?.[0]) {
      const bundle = JSON.parse((await client.getBlob(repository, json.layers[0].digest)).toString("utf8")) as { dsseEnvelope?: { payload?: string } };
      const statement = bundle.dsseEnvelope?.payload
        ? (JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, "base64").toString("utf8")) as { predicate?: { name?: unknown } })
        : undefined;
      const described = describedDigest(statement?.predicate?.name);
      if (described) state.sbom[described] ??= ref.digest;
    }
  }
  return state;
}
