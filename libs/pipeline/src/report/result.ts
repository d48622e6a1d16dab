import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Table from "cli-table3";
import { IMAGE_NAME_RULE, isImageName } from "@image-tooling/image-metadata";
import type { TagAction } from "../tags/plan-tags.ts";
import type { CheckResult } from "../smoke/run-smoke.ts";
import { formatSizes } from "./size.ts";
import { countsLine, type VulnerabilityReport } from "../scan/report.ts";
import type { ImageChanges } from "../changes/compare.ts";
import { formatDuration } from "@image-tooling/cli-support";

/** staged: one platform pushed under its staging tag for the merge (publish with --platform / IMAGE_PLATFORM). */
export type ImageStatus = "built" | "passed" | "failed" | "pushed" | "staged" | "skipped" | "planned" | "loaded";

/** The machine-readable record of one image in one run: dist/images/<image>/result.json. */
export interface ImageResult {
  image: string;
  version: string;
  command: "build" | "smoke" | "publish" | "merge" | "plan" | "load";
  channel?: "release" | "branch";
  status: ImageStatus;
  /** Repository the tags live in, e.g. 127.0.0.1:5000/acme/tooling-k8s. */
  repository?: string;
  /** Digest of the multi-platform index (publish). */
  digest?: string;
  /** Per-platform manifest digests (publish). */
  platforms?: Record<string, string>;
  /** Per-platform compressed size in bytes: the sum of its layer sizes in the registry (publish). */
  sizes?: Record<string, number>;
  /** Each tag → what happened and the digest it points at afterwards. */
  tags?: Record<string, { action: TagAction; digest?: string; reason: string }>;
  /** Signature, SBOMs and provenance of `digest` (publish). */
  attestations?: AttestationRecord;
  base?: string;
  inputsDigest?: string;
  checks?: CheckResult[];
  /** Publish (release channel): what changed since the previous release (tools, Debian packages, base, sizes). */
  changes?: ImageChanges;
  /** Smoke and publish: the scan of every platform and the gate's verdict. */
  vulnerabilities?: VulnerabilityReport;
  /** load: the platform put into the local Docker daemon, its tags there, its image ID and the tarball's size. */
  loaded?: { platform: string; tags: string[]; imageId: string; tarballBytes: number };
  notice?: string;
  /** Why the run failed (status `failed`). */
  error?: string;
  /** A failed publish: the tags it meant to write and did not (re-run to complete them). */
  pendingTags?: string[];
  durationMs: number;
}

/**
 * What publish attached to an index digest, each as the digest of its OCI
 * artifact (a Sigstore bundle whose subject is the index).
 */
export interface AttestationRecord {
  /** created: all new; completed: some were there, the rest added; present: nothing to add; planned: dry run; failed: see error (floating tags not moved). */
  status: "created" | "completed" | "present" | "planned" | "failed";
  signature?: string;
  /** Platform → SBOM attestation. */
  sbom?: Record<string, string>;
  provenance?: string;
  /** Platform → vulnerability report attestation (cosign `vuln` predicate). */
  vuln?: Record<string, string>;
  /** The plan (dry run) or the reason it failed. */
  note?: string;
  error?: string;
}

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
export function writeStepSummary(results: ImageResult[], env: Record<string, string | undefined> = process.env): void {
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
