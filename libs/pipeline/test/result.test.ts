import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { summaryTable, writeResult, writeStepSummary, type ImageResult } from "../src/report/result.ts";

const D = `sha256:${"ab".repeat(32)}`;
const pushed: ImageResult = {
  image: "tooling-k8s",
  version: "1.4.1",
  command: "publish",
  channel: "release",
  status: "pushed",
  digest: D,
  tags: {
    "1": { action: "move", digest: D, reason: "forward" },
    "1.4.1": { action: "create", digest: D, reason: "new version" },
    latest: { action: "skip", reason: "2.0.0 is newer" },
    "1.4": { action: "move", digest: D, reason: "forward" },
  },
  durationMs: 61_500,
};

describe("run results", () => {
  it("the summary lists tags as X.Y.Z, X.Y, X, latest whatever the JSON key order", () => {
    const table = summaryTable([pushed]);
    expect(table).toContain("1.4.1 (create), 1.4 (move), 1 (move), latest (skip)");
    expect(table).toContain("abababababab");
    expect(table).toContain("61.5 s");
  });

  it("writes dist/images/<image>/result.json", () => {
    const root = mkdtempSync(join(tmpdir(), "result-"));
    const file = writeResult(root, pushed);
    expect(file).toBe(join(root, "dist/images/tooling-k8s/result.json"));
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual(pushed);
  });

  it("appends a Markdown table to the GitHub step summary only when there is one", () => {
    const file = join(mkdtempSync(join(tmpdir(), "summary-")), "summary.md");
    writeStepSummary([pushed], {});
    writeStepSummary([pushed], { GITHUB_STEP_SUMMARY: file });
    const md = readFileSync(file, "utf8");
    expect(md).toContain("| image | version | status | tags | digest |");
    expect(md).toContain(`| tooling-k8s | 1.4.1 | pushed | 1.4.1 (create), 1.4 (move), 1 (move), latest (skip) | \`${D}\` |`);
  });
});
