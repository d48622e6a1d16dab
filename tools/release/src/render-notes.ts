import { formatSizes } from "@image-tooling/pipeline/size";
import { countsLine, notesMarkdown, type VulnerabilityReport } from "@image-tooling/pipeline/scan-report";
import { changesMarkdown } from "@image-tooling/pipeline/what-changed";
import type { ImageResult } from "./result-file.ts";

const code = (s: string): string => `\`${s}\``;
const short = (digest: string): string => digest.replace(/^sha256:/, "").slice(0, 12);

/**
 * JSON objects list integer-like keys ("1") first whatever the file says, so
 * put tags back in reading order: X.Y.Z, X.Y, X, then the rest (latest, branch tags).
 */
function tagRank(tag: string): number {
  const parts = /^\d+(\.\d+){0,2}(-[\w.]+)?$/.test(tag) ? tag.split("-")[0]!.split(".").length : 0;
  return parts ? 3 - parts : 3;
}

function tagList(r: ImageResult): string {
  const tags = Object.entries(r.tags ?? {}).sort(([a], [b]) => tagRank(a) - tagRank(b));
  if (tags.length === 0) return "—";
  return tags.map(([tag, t]) => `${code(tag)} (${t.action}${t.action.startsWith("skip") && t.reason ? `: ${t.reason}` : ""})`).join(", ");
}

/** One image's notes: version, tags, digest, platforms, how to pull it, and its changelog entry. */
export function renderImageNotes(r: ImageResult, changes?: string): string {
  const rows: [string, string][] = [
    ["status", `${r.status}${r.channel ? ` (${r.channel} channel)` : ""}`],
    ["tags", tagList(r)],
    ["digest", r.digest ? code(r.digest) : "—"],
  ];
  const platforms = Object.entries(r.platforms ?? {});
  if (platforms.length) rows.push(["platforms", platforms.map(([p, d]) => `${p} ${code(short(d))}`).join(", ")]);
  if (r.sizes && Object.keys(r.sizes).length) rows.push(["compressed size", formatSizes(r.sizes)]);
  if (r.repository && r.digest) rows.push(["pull", code(`docker pull ${r.repository}@${r.digest}`)]);
  const a = r.attestations;
  if (a?.signature) rows.push(["signature", code(a.signature)]);
  const sboms = Object.entries(a?.sbom ?? {});
  if (sboms.length) rows.push(["SBOM (SPDX 2.3)", sboms.map(([p, d]) => `${p} ${code(d)}`).join(", ")]);
  if (a?.provenance) rows.push(["provenance (SLSA v1)", code(a.provenance)]);
  const vuln = Object.entries((a as { vuln?: Record<string, string> } | undefined)?.vuln ?? {});
  if (vuln.length) rows.push(["vulnerability report (cosign vuln)", vuln.map(([p, d]) => `${p} ${code(d)}`).join(", ")]);
  // Written by the pipeline (scan/report.ts); the result file's schema passes it through.
  const report = r.vulnerabilities;
  if (report)
    rows.push([
      "vulnerabilities",
      `${Object.entries(report.platforms)
        .map(([p, v]) => `${p}: ${countsLine(v.counts)}`)
        .join("; ")} — gate ${report.gate} (${report.policy})`,
    ]);
  if (a?.status === "failed") rows.push(["attestations", `failed: ${a.error ?? "see the run's log"}`]);
  if (r.notice) rows.push(["notice", r.notice]);
  if (r.error) rows.push(["error", r.error]);
  const out = [`## ${r.image} ${r.version}`, "", "| | |", "|---|---|", ...rows.map(([k, v]) => `| ${k} | ${v.replace(/\|/g, "\\|").replace(/\n/g, " ")} |`)];
  // Written by publish (libs/pipeline/src/changes): this version against the previous release, read from the registry.
  const whatChanged = r.changes;
  if (whatChanged) out.push("", "### What changed", "", ...changesMarkdown(whatChanged, { vulnerabilities: vulnerabilityDelta(report) }));
  if (changes) out.push("", "### Changes", "", changes);
  if (report) out.push("", "### Vulnerabilities", "", ...notesMarkdown(report));
  return `${out.join("\n")}\n`;
}

/** The vulnerability delta in one line, for "What changed" (the findings are listed under Vulnerabilities). */
function vulnerabilityDelta(report: VulnerabilityReport | undefined): string | undefined {
  const p = report?.previous;
  if (!p) return undefined;
  return `${p.fixed.length} fixed, ${p.new.length} new, ${p.stillOpen.length} still open since ${p.version} (below)`;
}

/** Notes for a whole run: a summary table, then each image. */
export function renderReleaseNotes(results: ImageResult[], changelogs: Map<string, string> = new Map()): string {
  if (results.length === 0) return "# Image release notes\n\nNo image was published in this run.\n";
  const summary = results.map((r) => `| ${r.image} | ${r.version} | ${r.status} | ${tagList(r)} | ${r.digest ? code(short(r.digest)) : "—"} |`);
  // A failed image must not hide in the table: release.yml relies on the notes to name it.
  const failed = results.filter((r) => r.status === "failed");
  const firstLine = (s = ""): string => s.split("\n")[0]!;
  return [
    "# Image release notes",
    "",
    ...(failed.length
      ? [
          `**${failed.length} image${failed.length > 1 ? "s" : ""} failed:**`,
          "",
          ...failed.map((r) => `- ${r.image} ${r.version}: ${firstLine(r.error) || "no error recorded"}${r.notice ? ` (${firstLine(r.notice)})` : ""}`),
          "",
        ]
      : []),
    "| image | version | status | tags | digest |",
    "|---|---|---|---|---|",
    ...summary,
    "",
    ...results.map((r) => renderImageNotes(r, changelogs.get(r.image))),
  ].join("\n");
}
