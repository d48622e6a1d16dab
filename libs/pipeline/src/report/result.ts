import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Table from "cli-table3";
import { IMAGE_NAME_RULE, isImageName } from "@image-tooling/image-metadata";
import { formatSizes } from "../log/size.ts";
import { countsLine } from "../scan/report.ts";
import type { ImageResult } from "./result-schema.ts";
import { formatDuration } from "@image-tooling/cli-support";

export type { ImageResult, ImageStatus } from "./result-schema.ts";

/** A name that is no image name (e.g. `../../etc` given on the command line) never becomes a path. */
export class ResultPathError extends Error {}

export function writeResult(workspaceRoot: string, result: ImageResult): string {
  if (!isImageName(result.image))
    throw new ResultPathError(
      `no result file for ${JSON.stringify(result.image)}: an image name ${IMAGE_NAME_RULE}, and it becomes the path dist/images/<image>`,
    );
  const dir = join(workspaceRoot, "dist", "images", result.image);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "result.json");
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

const shortDigest = (d?: string): string => (d ? d.replace(/^sha256:/, "").slice(0, 12) : "");

// JSON objects list integer-like keys ("1") first; show X.Y.Z, X.Y, X, latest instead.
const tagRank = (tag: string): number => (tag === "latest" ? -1 : tag.split(".").length);

function tagCell(r: ImageResult): string {
  return Object.entries(r.tags ?? {})
    .sort(([a], [b]) => tagRank(b) - tagRank(a))
    .map(([tag, t]) => `${tag} (${t.action})`)
    .join(", ");
}

/** The human summary printed at the end of a run. */
export function summaryTable(results: ImageResult[]): string {
  const table = new Table({ head: ["image", "version", "status", "tags", "digest", "compressed size", "time"], style: { head: [], border: [] } });
  for (const r of results)
    table.push([r.image, r.version, r.status, tagCell(r), shortDigest(r.digest), formatSizes(r.sizes).replace(/, /g, "\n"), formatDuration(r.durationMs)]);
  return table.toString();
}

/** The same summary as Markdown, appended to the GitHub Actions step summary when there is one. */
export function writeStepSummary(results: ImageResult[], env: Record<string, string | undefined>): void {
  const file = env.GITHUB_STEP_SUMMARY;
  if (!file) return;
  const rows = results.map((r) => `| ${r.image} | ${r.version} | ${r.status} | ${tagCell(r) || "—"} | ${r.digest ? `\`${r.digest}\`` : "—"} |`);
  appendFileSync(
    file,
    [
      "### Images",
      "",
      "| image | version | status | tags | digest |",
      "|---|---|---|---|---|",
      ...rows,
      "",
      ...vulnerabilityLines(results),
      ...failureLines(results),
    ].join("\n") + "\n",
  );
}

/** A list of the images that failed, each with the first line of its error and what it left written. */
export function failureLines(results: ImageResult[]): string[] {
  const failed = results.filter((r) => r.status === "failed");
  if (failed.length === 0) return [];
  const oneLine = (s = ""): string => s.split("\n")[0]!.replace(/\|/g, "\\|");
  return [
    "**Failed:**",
    "",
    ...failed.map((r) => `- ${r.image} ${r.version} (${r.command}): ${oneLine(r.error) || "no error recorded"}${r.notice ? ` — ${oneLine(r.notice)}` : ""}`),
    "",
  ];
}

/** Per image and platform: findings by severity (fixable of all), and the gate. */
export function vulnerabilityLines(results: ImageResult[]): string[] {
  const scanned = results.filter((r) => r.vulnerabilities);
  if (scanned.length === 0) return [];
  return [
    "### Vulnerabilities",
    "",
    "| image | platform | findings | gate |",
    "|---|---|---|---|",
    ...scanned.flatMap((r) =>
      Object.entries(r.vulnerabilities!.platforms).map(
        ([p, v]) => `| ${r.image} | ${p} | ${countsLine(v.counts)} | ${r.vulnerabilities!.gate} (${r.vulnerabilities!.policy}) |`,
      ),
    ),
    "",
    ...scanned.flatMap((r) =>
      r.vulnerabilities!.failing.map((f) => `- ✘ ${r.image}: ${f.id} ${f.severity} in ${f.package} ${f.installed} → ${f.fixedIn ?? "no fix yet"}`),
    ),
    "",
  ];
}
