import { GRYPE } from "../attest/tools.ts";
import { countBySeverity, dbIdentity, type Finding, type PlatformScan, type SeverityCounts } from "./findings.ts";

/**
 * cosign's `vuln` predicate (https://github.com/sigstore/cosign/blob/main/specs/COSIGN_VULN_ATTESTATION_SPEC.md),
 * so `cosign verify-attestation --type vuln` checks it. scanner.db.version
 * is the database's build time and checksum: what a re-run compares to know
 * a platform already has a report from this database. scanner.result is our
 * compact report (counts and findings), not grype's full output, so reading
 * it back stays a few kilobytes. Pure.
 */
export interface VulnResult {
  platform: string;
  counts: SeverityCounts;
  findings: Finding[];
}

export interface VulnPredicate {
  invocation: { parameters: unknown; uri: string; event_id: string; "builder.id": string };
  scanner: { uri: string; version: string; db: { uri: string; version: string }; result: VulnResult };
  metadata: { scanStartedOn: string; scanFinishedOn: string };
}

export function vulnPredicate(scan: PlatformScan, started: Date, finished: Date): VulnPredicate {
  return {
    invocation: { parameters: null, uri: "", event_id: "", "builder.id": "https://github.com/image-tooling/image-tooling/tree/main/libs/pipeline" },
    scanner: {
      uri: `pkg:golang/github.com/anchore/grype@${GRYPE.version}`,
      version: GRYPE.version,
      db: { uri: scan.db.source, version: dbIdentity(scan.db) },
      result: { platform: scan.platform, counts: countBySeverity(scan.findings), findings: scan.findings },
    },
    metadata: { scanStartedOn: started.toISOString(), scanFinishedOn: finished.toISOString() },
  };
}
