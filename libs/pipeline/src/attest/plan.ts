/**
 * What a digest already carries and what is still to do. Pure: the registry
 * is read by referrers.ts, the work done by attest-image.ts.
 */
import { SLSA_PROVENANCE_V1 } from "./provenance.ts";

export const PREDICATE = {
  signature: "https://sigstore.dev/cosign/sign/v1",
  sbom: "https://spdx.dev/Document",
  provenance: SLSA_PROVENANCE_V1,
  /** cosign's vulnerability scan predicate: one per platform manifest (scan/attest-vuln.ts). */
  vuln: "https://cosign.sigstore.dev/attestation/vuln/v1",
} as const;

/** cosign's Sigstore bundle, attached as an OCI artifact whose subject is the index. */
export const SIGSTORE_BUNDLE = "application/vnd.dev.sigstore.bundle.v0.3+json";

/** A bundle of a type we attach whose signer is not the one we expect: it does not count. */
export interface ForeignBundle {
  /** The digest it is attached to. */
  subject: string;
  type: string;
  /** The bundle manifest. */
  digest: string;
  reason: string;
}

/** Referrer manifest digests found for one index digest, signed by the expected signer. */
export interface AttestationState {
  signature?: string;
  provenance?: string;
  /** Platform manifest digest → the SBOM attestation describing it. */
  sbom: Record<string, string>;
  /** Bundles by anyone else, said out loud and ignored. */
  foreign: ForeignBundle[];
}

export interface AttestationWork {
  sign: boolean;
  provenance: boolean;
  /** Platforms (`linux/arm64`) still without an SBOM. */
  sbom: string[];
}

/** What is missing for `platforms` (platform → manifest digest). Present ones are never redone. */
export function missingWork(state: Pick<AttestationState, "signature" | "provenance" | "sbom">, platforms: Record<string, string>): AttestationWork {
  return {
    sign: !state.signature,
    provenance: !state.provenance,
    sbom: Object.entries(platforms)
      .filter(([, digest]) => !state.sbom[digest])
      .map(([platform]) => platform),
  };
}

export const nothingToDo = (w: AttestationWork): boolean => !w.sign && !w.provenance && w.sbom.length === 0;

/** One line of the publish plan: what the attest step will do. */
/** `new`: a digest this run pushes; `merged`: an index of staged platforms, whose SBOMs came with their stages. */
export function describeWork(w: AttestationWork | "new" | "merged", platforms: string[], signing: string): string {
  if (w === "new") return `sign the index, SBOM (SPDX 2.3) for ${platforms.join(" + ")}, SLSA v1 provenance — ${signing}`;
  if (w === "merged") return `sign the index, SLSA v1 provenance — ${signing}`;
  if (nothingToDo(w)) return "signature, SBOMs and provenance present: nothing to add";
  const parts = [w.sign && "sign the index", w.sbom.length && `SBOM for ${w.sbom.join(" + ")}`, w.provenance && "provenance"].filter(Boolean);
  return `complete what is missing: ${parts.join(", ")} — ${signing}`;
}
