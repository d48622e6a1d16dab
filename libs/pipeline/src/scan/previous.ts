import semver from "semver";
import type { RegistryClient } from "@image-tooling/oci-registry";
import { readVulnReports } from "./attested-reports.ts";
import { diffFindings } from "./delta.ts";
import type { Finding, PlatformScan } from "./findings.ts";
import { acrossPlatforms } from "./report.ts";

/**
 * The vulnerability delta against the image's previous release, for the
 * release notes: this build's findings per platform against the report
 * attached to the highest published X.Y.Z below this version. Reads the
 * reports' small bundles only.
 */
export interface PreviousDelta {
  version: string;
  digest: string;
  /** Database the previous report was made with. */
  db?: string;
  fixed: (Finding & { platforms: string[] })[];
  new: (Finding & { platforms: string[] })[];
  stillOpen: (Finding & { platforms: string[] })[];
}

/** The highest X.Y.Z tag below `version`. Pure. */
export function previousVersion(tags: string[], version: string): string | undefined {
  return tags
    .filter((t) => /^\d+\.\d+\.\d+$/.test(t) && semver.lt(t, version))
    .sort(semver.rcompare)
    .at(0);
}

export async function deltaFromPrevious(
  client: RegistryClient,
  repository: string,
  version: string,
  scans: PlatformScan[],
): Promise<PreviousDelta | undefined> {
  const tags = await client.listTags(repository).catch(() => [] as string[]);
  const prev = previousVersion(tags, version);
  if (!prev) return undefined;
  const digest = await client.manifestDigest(repository, prev);
  if (!digest) return undefined;
  const manifests = await client.platformManifests(repository, digest);
  const reports = await readVulnReports(
    client,
    repository,
    manifests.map((m) => m.digest),
  );
  const deltas: Record<string, ReturnType<typeof diffFindings>> = {};
  let db: string | undefined;
  for (const scan of scans) {
    const m = manifests.find((x) => x.platform === scan.platform);
    const last = m && reports[m.digest]?.at(-1);
    if (!last?.result) continue;
    db ??= last.db;
    deltas[scan.platform] = diffFindings(last.result.findings, scan.findings);
  }
  if (Object.keys(deltas).length === 0) return undefined;
  const pick = (k: "fixed" | "new" | "stillOpen") => acrossPlatforms(Object.fromEntries(Object.entries(deltas).map(([p, d]) => [p, d[k]])));
  return { version: prev, digest, db, fixed: pick("fixed"), new: pick("new"), stillOpen: pick("stillOpen") };
}
