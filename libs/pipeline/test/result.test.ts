import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { summaryTable, writeResult, writeStepSummary, type ImageResult } from "../src/report/result.ts";
import { buildFailureHint, BuildFailedError } from "../src/build/build-error.ts";

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
  sizes: { "linux/arm64": 30_149_012, "linux/amd64": 31_234_567 },
  durationMs: 61_500,
};

describe("run results", () => {
  it("the summary lists tags as X.Y.Z, X.Y, X, latest whatever the JSON key order", () => {
    const table = summaryTable([pushed]);
    expect(table).toContain("1.4.1 (create), 1.4 (move), 1 (move), latest (skip)");
    expect(table).toContain("abababababab");
    expect(table).toContain("1m02s");
    expect(table).toContain("compressed size");
    expect(table).toMatch(/linux\/amd64 31\.2 MB[^\n]*\n[^\n]*linux\/arm64 30\.1 MB/);
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

describe("build failure hints", () => {
  const base = `docker.io/library/debian:trixie-slim@sha256:${"a".repeat(64)}`;

  it("point at the base when it could not be pulled, and at the Dockerfile otherwise", () => {
    const pull = `failed to convert Dockerfile to LLB: ${base}: not found`;
    expect(buildFailureHint(pull, base)).toMatch(/^the base .* could not be pulled: check the digest in image\.yaml/);
    expect(buildFailureHint("$ /bin/sh -c make\nmake: *** [all] Error 2", base)).toBeUndefined();
    expect(new BuildFailedError("img", "linux/arm64", "$ false").message).toBe(
      "img [linux/arm64]: the Dockerfile did not build\n    $ false\n  → fix the Dockerfile (or the files it copies) and run the build again",
    );
  });
});
