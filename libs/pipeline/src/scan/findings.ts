import { SEVERITIES, type Severity } from "@image-tooling/image-metadata";

/**
 * What a scan found, in our own terms: grype's JSON is read once, here, at
 * the edge (fromGrype); everything else (gate, report, notes, deltas) works
 * on these types. Pure.
 */

export type FindingSeverity = Severity | "unknown";
export const REPORTED_SEVERITIES: readonly FindingSeverity[] = [...SEVERITIES, "unknown"];

/** Where the fix of a finding comes from. */
export type FixRoute = "tool-update" | "base-update" | "rebuild" | "nothing-yet";

export interface Finding {
  /** CVE-…, GHSA-…, GO-… */
  id: string;
  severity: FindingSeverity;
  /** Package name as the SBOM has it (a Debian binary package, a Go module, `stdlib`). */
  package: string;
  installed: string;
  /** The first version that fixes it; absent: no fix yet. */
  fixedIn?: string;
  /** Package type: deb, go-module, binary, python … */
  type: string;
  /** Files the package was found in (a Go binary's path). */
  locations: string[];
  route: FixRoute;
}

/** The database a scan used: its build time and checksum identify it. */
export interface DbInfo {
  /** RFC 3339 build time. */
  built: string;
  /** grype's import checksum of the database file (xxh64:…). */
  checksum: string;
  schema: string;
  /** Where it came from: upstream, oci://…, a file. */
  source: string;
}

export const dbIdentity = (db: Pick<DbInfo, "built" | "checksum">): string => `${db.built} ${db.checksum}`;

/** One platform's scan. */
export interface PlatformScan {
  platform: string;
  findings: Finding[];
  db: DbInfo;
  scanner: string;
}

export type SeverityCounts = Record<FindingSeverity, { fixable: number; noFix: number }>;

export function countBySeverity(findings: Finding[]): SeverityCounts {
  const counts = Object.fromEntries(REPORTED_SEVERITIES.map((s) => [s, { fixable: 0, noFix: 0 }])) as SeverityCounts;
  for (const f of findings) counts[f.severity][f.fixedIn ? "fixable" : "noFix"]++;
  return counts;
}

/** Most severe first, then id, then package: a stable order for reports and diffs. */
export function sortFindings(findings: Finding[]): Finding[] {
  const rank = (s: FindingSeverity) => REPORTED_SEVERITIES.indexOf(s);
  return [...findings].sort(
    (a, b) => rank(a.severity) - rank(b.severity) || a.id.localeCompare(b.id) || a.package.localeCompare(b.package) || a.installed.localeCompare(b.installed),
  );
}

/** The part of grype's JSON output we read. */
interface GrypeMatch {
  vulnerability: { id: string; severity?: string; fix?: { versions?: string[]; state?: string } };
  artifact: { name: string; version: string; type: string; locations?: { path: string }[] };
}

export interface GrypeDocument {
  matches: GrypeMatch[];
}

const toSeverity = (s: string | undefined): FindingSeverity => {
  const lower = (s ?? "").toLowerCase();
  return (SEVERITIES as readonly string[]).includes(lower) ? (lower as Severity) : "unknown";
};

/**
 * grype's matches as findings, one per vulnerability, package and installed
 * version (grype may match one package twice, directly and through its
 * source package). `route` classifies each fix (fix-route.ts).
 */
export function fromGrype(
  doc: GrypeDocument,
  route: (f: Omit<Finding, "route">) => FixRoute,
  /** Where the SBOM says a package is, for SBOM formats whose packages reach grype without locations (SPDX). */
  locate: (name: string, version: string) => string[] = () => [],
): Finding[] {
  const seen = new Map<string, Finding>();
  for (const m of doc.matches ?? []) {
    const fixed = m.vulnerability.fix?.state === "fixed" ? m.vulnerability.fix.versions?.[0] : undefined;
    const base = {
      id: m.vulnerability.id,
      severity: toSeverity(m.vulnerability.severity),
      package: m.artifact.name,
      installed: m.artifact.version,
      ...(fixed && { fixedIn: fixed }),
      type: m.artifact.type,
      locations: [...new Set([...(m.artifact.locations ?? []).map((l) => l.path), ...locate(m.artifact.name, m.artifact.version)])].sort(),
    };
    const key = `${base.id}|${base.package}|${base.installed}`;
    if (!seen.has(key)) seen.set(key, { ...base, route: route(base) });
  }
  return sortFindings([...seen.values()]);
}

/**
 * Package → files, from an SPDX SBOM's sourceInfo ("acquired package info
 * from go module information: /usr/local/bin/kubectl"): grype keeps no
 * locations for SPDX packages, and a Go finding's fix route depends on which
 * binary holds it. Keyed `name@version`. Pure.
 */
export function spdxLocations(doc: { packages?: { name: string; versionInfo?: string; sourceInfo?: string }[] }): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const p of doc.packages ?? []) {
    const paths = /: (\/.*)$/.exec(p.sourceInfo ?? "")?.[1]?.split(/,\s*/) ?? [];
    if (paths.length === 0) continue;
    const key = `${p.name}@${p.versionInfo ?? ""}`;
    out.set(key, [...(out.get(key) ?? []), ...paths]);
  }
  return out;
}
