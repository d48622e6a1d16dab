import { countBySeverity, REPORTED_SEVERITIES, type DbInfo, type Finding, type PlatformScan, type SeverityCounts } from "./findings.ts";
import { ROUTE_TEXT } from "./fix-route.ts";
import type { GateVerdict } from "./policy.ts";
import type { PreviousDelta } from "./previous.ts";

/**
 * An image's scan as the result file, the step summary and the release notes
 * carry it (dist/images/<image>/result.json `vulnerabilities`), and the
 * messages a failed gate prints. Pure.
 */
export interface VulnerabilityReport {
  scanner: string;
  db: DbInfo;
  policy: string;
  gate: "passed" | "failed";
  platforms: Record<string, { counts: SeverityCounts; findings: Finding[] }>;
  /** Findings the gate failed on, once across platforms. */
  failing: (Finding & { platforms: string[] })[];
  accepted: { id: string; package: string; statement: string; expires: string }[];
  /** Publish: what changed since the previous release's attached report. */
  previous?: PreviousDelta;
}

/** One finding per vulnerability, package and installed version, with the platforms it is on. */
export function acrossPlatforms(byPlatform: Record<string, Finding[]>): (Finding & { platforms: string[] })[] {
  const out = new Map<string, Finding & { platforms: string[] }>();
  for (const [platform, findings] of Object.entries(byPlatform)) {
    for (const f of findings) {
      const key = `${f.id}|${f.package}|${f.installed}`;
      const seen = out.get(key);
      if (seen) seen.platforms.push(platform);
      else out.set(key, { ...f, platforms: [platform] });
    }
  }
  return [...out.values()];
}

/** The VEX statements of one kind that the verdicts matched, once per finding and package across platforms. */
export function statementsAcross(
  verdicts: Record<string, GateVerdict>,
  kind: "accepted" | "expired",
): { id: string; package: string; where: string; expires: string }[] {
  const out = new Map<string, { id: string; package: string; where: string; expires: string }>();
  for (const v of Object.values(verdicts))
    for (const e of v[kind])
      out.set(`${e.finding.id}|${e.finding.package}`, { id: e.finding.id, package: e.finding.package, where: e.statement.where, expires: e.statement.expires });
  return [...out.values()];
}

export function buildReport(scans: PlatformScan[], policy: string, verdicts: Record<string, GateVerdict>): VulnerabilityReport {
  const failing = acrossPlatforms(Object.fromEntries(Object.entries(verdicts).map(([p, v]) => [p, v.failing])));
  const accepted = statementsAcross(verdicts, "accepted").map(({ where, ...rest }) => ({ ...rest, statement: where }));
  return {
    scanner: scans[0]!.scanner,
    db: scans[0]!.db,
    policy,
    gate: failing.length ? "failed" : "passed",
    platforms: Object.fromEntries(scans.map((s) => [s.platform, { counts: countBySeverity(s.findings), findings: s.findings }])),
    failing,
    accepted: [...accepted.values()],
  };
}

/** `critical 1 (1 fixable), low 2 (0 fixable)`, or `none`. */
export function countsLine(counts: SeverityCounts): string {
  const parts = REPORTED_SEVERITIES.filter((s) => counts[s].fixable + counts[s].noFix > 0).map(
    (s) => `${s} ${counts[s].fixable + counts[s].noFix} (${counts[s].fixable} fixable)`,
  );
  return parts.length ? parts.join(", ") : "none";
}

export const findingLine = (f: Finding): string =>
  `${f.id} ${f.severity} in ${f.package} ${f.installed} → ${f.fixedIn ? `fixed in ${f.fixedIn}` : "no fix yet"} — fix: ${ROUTE_TEXT[f.route]}`;

/**
 * The message of a failed gate: each finding with its package, installed and
 * fixed version and where the fix comes from, any expired acceptance, and how
 * to accept one.
 */
export function gateFailureMessage(
  image: string,
  report: VulnerabilityReport,
  policySource: string,
  vexFile: string,
  expired: { id: string; package: string; where: string; expires: string }[],
): string {
  const lines = [
    `${image}: vulnerability gate failed (${report.policy}, from ${policySource}; database built ${report.db.built}): ${report.failing.length} finding(s)`,
    ...report.failing.map((f) => `  ✘ ${findingLine(f)} [${f.platforms.join(", ")}]`),
    ...expired.map((e) => `  ⚠ ${e.id} in ${e.package} was accepted by ${e.where}, which expired on ${e.expires}: renew it (a new expires) or remove it`),
    `  Fix it (see each finding's fix), or accept one with a justified OpenVEX statement that expires, in ${vexFile}:`,
    `    {"vulnerability": {"name": "${report.failing[0]?.id ?? "CVE-…"}"}, "products": [{"@id": "pkg:oci/${image}"}], "status": "not_affected",`,
    `     "justification": "vulnerable_code_not_in_execute_path", "impact_statement": "why it does not apply", "expires": "YYYY-MM-DD"}`,
  ];
  return lines.join("\n");
}

/** Lines for the run's log: per platform, the counts. */
export function reportLines(report: VulnerabilityReport): string[] {
  return [
    ...Object.entries(report.platforms).map(([p, r]) => `  ${report.gate === "failed" ? "✘" : "✔"} [${p}] vulnerabilities: ${countsLine(r.counts)}`),
    ...report.accepted.map((a) => `  ✔ accepted: ${a.id} in ${a.package} (${a.statement}, until ${a.expires})`),
  ];
}

/** Markdown for the step summary and release notes. */
export function reportMarkdown(report: VulnerabilityReport): string[] {
  const rows = Object.entries(report.platforms).map(([p, r]) => `| ${p} | ${countsLine(r.counts)} |`);
  const all = acrossPlatforms(Object.fromEntries(Object.entries(report.platforms).map(([p, r]) => [p, r.findings])));
  return [
    `Vulnerabilities (${report.scanner}, database built ${report.db.built}; gate ${report.gate}, ${report.policy}):`,
    "",
    "| platform | findings |",
    "|---|---|",
    ...rows,
    "",
    ...(all.length
      ? [
          "| id | severity | package | installed | fixed in | fix |",
          "|---|---|---|---|---|---|",
          ...all.map((f) => `| ${f.id} | ${f.severity} | ${f.package} | ${f.installed} | ${f.fixedIn ?? "—"} | ${ROUTE_TEXT[f.route]} |`),
          "",
        ]
      : []),
  ];
}

/** The release notes' section: per platform counts, then the delta from the previous release. */
export function notesMarkdown(report: VulnerabilityReport): string[] {
  const p = report.previous;
  const list = (title: string, fs: (Finding & { platforms: string[] })[]) =>
    fs.length ? [`**${title}:**`, "", ...fs.map((f) => `- ${findingLine(f)} [${f.platforms.join(", ")}]`), ""] : [`**${title}:** none`, ""];
  return [
    ...reportMarkdown(report),
    ...(p
      ? [
          `Compared with ${p.version} (\`${p.digest.slice(0, 19)}…\`, its attached report${p.db ? `, database ${p.db}` : ""}):`,
          "",
          ...list("Fixed", p.fixed),
          ...list("New", p.new),
          ...list("Still open", p.stillOpen),
        ]
      : ["No earlier release with a vulnerability report to compare with.", ""]),
  ];
}
