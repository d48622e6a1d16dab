import { PREDICATE, SIGSTORE_BUNDLE } from "../attest/plan.ts";
import type { RegistryClient } from "@image-tooling/oci-registry";
import type { SpdxDocument } from "../attest/sbom.ts";
import { checkSigner, type ExpectedSigner } from "../attest/signer.ts";
import type { VulnResult } from "./predicate.ts";

const PREDICATE_ANNOTATION = "dev.sigstore.bundle.predicateType";
/** Our reports are a few kB; a bigger "vuln" bundle is not ours and is not read. */
const MAX_REPORT_BYTES = 4 * 1024 * 1024;

export interface AttachedReport {
  /** The bundle's referrer manifest digest. */
  digest: string;
  /** The database identity its scanner.db.version names. */
  db?: string;
  scanFinishedOn?: string;
  result?: VulnResult;
}

/**
 * The vulnerability reports attached to each platform manifest. Which
 * bundles are reports comes from the referrers' predicate-type annotations
 * (small manifests; SBOMs are never fetched). cosign 3.1 writes no custom
 * annotations on a bundle, so the database a report was made with is read
 * from the report bundle itself, which we keep small.
 */
/**
 * With `expected`, only reports that signer made count (attest-vuln.ts: what
 * is present is never redone, so a report by anyone else must not look
 * present; a rescan compares only with what the release attached); without,
 * every report is read (release notes' delta, which only tells).
 */
export async function readVulnReports(
  client: RegistryClient,
  repository: string,
  platformDigests: string[],
  expected?: ExpectedSigner,
): Promise<Record<string, AttachedReport[]>> {
  const out: Record<string, AttachedReport[]> = {};
  await Promise.all(
    platformDigests.map(async (subject) => {
      const reports: AttachedReport[] = [];
      for (const ref of await client.referrers(repository, subject)) {
        if (ref.artifactType !== SIGSTORE_BUNDLE) continue;
        const listed = ref.annotations?.[PREDICATE_ANNOTATION];
        if (listed !== undefined && listed !== PREDICATE.vuln) continue;
        // The referrers API lists annotations; the referrers tag scheme may not: then the manifest says.
        const json = (await client.getManifest(repository, ref.digest)).json as {
          annotations?: Record<string, string>;
          layers?: { digest: string; size: number }[];
        };
        if ((listed ?? json.annotations?.[PREDICATE_ANNOTATION]) !== PREDICATE.vuln) continue;
        const report = await readReport(client, repository, json.layers?.[0], expected && ((bundle) => checkSigner(bundle, expected, subject).ok));
        if (report) reports.push({ digest: ref.digest, ...report });
      }
      out[subject] = reports.sort((a, b) => (a.scanFinishedOn ?? "").localeCompare(b.scanFinishedOn ?? ""));
    }),
  );
  return out;
}

/** A report's contents; undefined when `signedByExpected` refuses its bundle (it does not count at all). */
async function readReport(
  client: RegistryClient,
  repository: string,
  layer: { digest: string; size: number } | undefined,
  signedByExpected?: (bundle: unknown) => boolean,
): Promise<Omit<AttachedReport, "digest"> | undefined> {
  if (!layer || layer.size > MAX_REPORT_BYTES) return signedByExpected ? undefined : {};
  try {
    const bundle: unknown = JSON.parse((await client.getBlob(repository, layer.digest)).toString("utf8"));
    if (signedByExpected && !signedByExpected(bundle)) return undefined;
    const statement = statementOf(bundle) as {
      predicate?: { scanner?: { db?: { version?: string }; result?: VulnResult }; metadata?: { scanFinishedOn?: string } };
    };
    return {
      db: statement.predicate?.scanner?.db?.version,
      scanFinishedOn: statement.predicate?.metadata?.scanFinishedOn,
      result: statement.predicate?.scanner?.result,
    };
  } catch {
    // Not our report's shape: it counts as from an unknown database (or, checked for its signer, not at all), so this run attaches its own.
    return signedByExpected ? undefined : {};
  }
}

/** The in-toto statement inside a parsed Sigstore bundle (a DSSE envelope); parsed once for the signer check and this. */
const statementOf = (bundle: unknown): { predicate?: unknown } => {
  const envelope = (bundle as { dsseEnvelope?: { payload?: string } } | null)?.dsseEnvelope;
  return JSON.parse(Buffer.from(envelope?.payload ?? "", "base64").toString("utf8")) as { predicate?: unknown };
};

/**
 * The SBOM publish attached to a platform manifest, read back for a rescan:
 * a few megabytes instead of the image's layers, and exactly what the SBOM
 * attestation says the image holds. Only an SBOM the expected signer made
 * for this very digest counts: anyone who can push a referrer could attach
 * one that lists nothing, and a rescan of it would find nothing. Undefined
 * when the manifest carries none (the caller then reads the image itself).
 */
export async function readAttachedSbom(
  client: RegistryClient,
  repository: string,
  platformDigest: string,
  expected: ExpectedSigner,
): Promise<SpdxDocument | undefined> {
  for (const ref of await client.referrers(repository, platformDigest)) {
    if (ref.artifactType !== SIGSTORE_BUNDLE) continue;
    const listed = ref.annotations?.[PREDICATE_ANNOTATION];
    if (listed !== undefined && listed !== PREDICATE.sbom) continue;
    const json = (await client.getManifest(repository, ref.digest)).json as { annotations?: Record<string, string>; layers?: { digest: string }[] };
    if ((listed ?? json.annotations?.[PREDICATE_ANNOTATION]) !== PREDICATE.sbom || !json.layers?.[0]) continue;
    try {
      const bundle: unknown = JSON.parse((await client.getBlob(repository, json.layers[0].digest)).toString("utf8"));
      if (!checkSigner(bundle, expected, platformDigest).ok) continue;
      const predicate = statementOf(bundle).predicate as SpdxDocument | undefined;
      if (predicate?.spdxVersion) return predicate;
    } catch {
      // Not a bundle of ours: it does not count.
    }
  }
  return undefined;
}
