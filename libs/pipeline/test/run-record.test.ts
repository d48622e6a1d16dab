import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RunRecord } from "../src/report/run-record.ts";
import { failureLines, writeStepSummary } from "../src/report/result.ts";

const D = `sha256:${"d".repeat(64)}`;

function clock(): () => number {
  let t = 1000;
  return () => (t += 500);
}

describe("a run's record", () => {
  it("a publish that fails after the X.Y.Z push says what it wrote and which tags it did not", () => {
    const record = new RunRecord(clock());
    record.begin({ image: "pandoc", version: "1.1.0", command: "publish" });
    record.note({ repository: "r/acme/pandoc", channel: "release" });
    record.plan(["1.1.0", "1.1", "1", "latest"]);
    record.tag("1.1.0", { action: "create", reason: "new version", digest: D });
    record.note({ digest: D });
    record.tag("1.1", { action: "move", reason: "forward", digest: D });
    const [r] = record.failed("registry r answered HTTP 503 while pushing 1 to r/acme/pandoc");
    expect(r).toEqual({
      image: "pandoc",
      version: "1.1.0",
      command: "publish",
      repository: "r/acme/pandoc",
      channel: "release",
      status: "failed",
      digest: D,
      tags: { "1.1.0": { action: "create", reason: "new version", digest: D }, "1.1": { action: "move", reason: "forward", digest: D } },
      error: "registry r answered HTTP 503 while pushing 1 to r/acme/pandoc",
      notice: `written before the failure: 1.1.0 → ${D}, 1.1 → ${D}; not written: 1, latest`,
      pendingTags: ["1", "latest"],
      durationMs: 500,
    });
  });

  it("a publish that fails before any push says nothing was written", () => {
    const record = new RunRecord(clock());
    record.begin({ image: "pandoc", version: "1.1.0", command: "publish" });
    record.plan(["1.1.0", "1.1"]);
    const [r] = record.failed("smoke failed");
    expect(r).toMatchObject({
      status: "failed",
      error: "smoke failed",
      notice: "nothing was written to the registry; not written: 1.1.0, 1.1",
      pendingTags: ["1.1.0", "1.1"],
    });
    expect(r!.tags).toBeUndefined();
  });

  it("a build that fails records the image as failed, with no publish notice", () => {
    const record = new RunRecord(clock());
    record.begin({ image: "pandoc", version: "1.1.0", command: "build" });
    expect(record.failed("the Dockerfile did not build")).toEqual([
      { image: "pandoc", version: "1.1.0", command: "build", status: "failed", error: "the Dockerfile did not build", durationMs: 500 },
    ]);
  });

  it("a plan that fails on its second image keeps the first one's result", () => {
    const record = new RunRecord(clock());
    record.begin({ image: "a", version: "1.0.0", command: "plan" });
    record.finish("planned");
    record.begin({ image: "b", version: "2.0.0", command: "plan" });
    expect(record.failed("registry down").map((r) => [r.image, r.status])).toEqual([
      ["a", "planned"],
      ["b", "failed"],
    ]);
  });

  it("with no image begun, a failure adds nothing", () => {
    expect(new RunRecord().failed("bad config")).toEqual([]);
  });
});

describe("the step summary", () => {
  it("lists the failed images under the table with the first line of each error and what was written", () => {
    const failed = new RunRecord(clock());
    failed.begin({ image: "pandoc", version: "1.1.0", command: "publish" });
    const results = failed.failed("pandoc [linux/arm64]: the Dockerfile did not build\n    $ make | tee log");
    expect(failureLines(results)).toEqual([
      "**Failed:**",
      "",
      "- pandoc 1.1.0 (publish): pandoc [linux/arm64]: the Dockerfile did not build — nothing was written to the registry",
      "",
    ]);
    const file = join(mkdtempSync(join(tmpdir(), "summary-")), "summary.md");
    writeStepSummary(results, { GITHUB_STEP_SUMMARY: file });
    expect(readFileSync(file, "utf8")).toContain("| pandoc | 1.1.0 | failed | — | — |\n\n**Failed:**\n\n- pandoc 1.1.0 (publish)");
    expect(failureLines([{ image: "a", version: "1.0.0", command: "smoke", status: "passed", durationMs: 1 }])).toEqual([]);
  });
});
