import { z } from "zod";

/**
 * What publish attached to an index digest, each as the digest of its OCI
 * artifact (a Sigstore bundle whose subject is the index).
 */
export const AttestationRecord = z.object({
  /** created: all new; completed: some were there, the rest added; present: nothing to add; planned: dry run; failed: see error (floating tags not moved). */
  status: z.enum(["created", "completed", "present", "planned", "failed"]),
  signature: z.string().optional(),
  /** Platform → SBOM attestation. */
  sbom: z.record(z.string(), z.string()).optional(),
  provenance: z.string().optional(),
  /** Platform → vulnerability report attestation (cosign `vuln` predicate). */
  vuln: z.record(z.string(), z.string()).optional(),
  /** The plan (dry run) or the reason it failed. */
  note: z.string().optional(),
  error: z.string().optional(),
});
export type AttestationRecord = z.infer<typeof AttestationRecord>;
