import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { Logger } from "../src/log/logger.ts";
import { redactDeep } from "../src/report/redact.ts";
import { RunReporter } from "../src/report/reporter.ts";
import { writeResult, type ImageResult } from "../src/report/result.ts";

// Every character that JSON escaping, a Markdown table or a first-line cut would change.
const SECRET = 'pa"ss\\wo|rd\n$HOME $& tail';
// Every way the secret, or a line of it, could have been written.
const FORMS = [SECRET, JSON.stringify(SECRET).slice(1, -1), ...SECRET.split("\n"), JSON.stringify(SECRET.split("\n")[0]).slice(1, -1)];

const failed = (image: string): ImageResult => ({
  image,
  version: "1.0.0",
  command: "publish",
  status: "failed",
  error: `push failed: the registry answered "denied for ${SECRET}"\nsecond line`,
  notice: `written before the failure: ${SECRET}`,
  tags: { "1.0.0": { action: "create", digest: `sha256:${"a".repeat(64)}`, reason: `token ${SECRET}` } },
  checks: [{ image, platform: "linux/amd64", check: "env", kind: "run", ok: false, detail: `$ env\n${SECRET}` }],
  durationMs: 10,
});

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function run(results: ImageResult[]) {
  dir = mkdtempSync(join(tmpdir(), "reporter-"));
  const summary = join(dir, "step-summary.md");
  writeFileSync(summary, "");
  let printed = "";
  const out = new Writable({
    write: (chunk, _enc, done) => {
      printed += String(chunk);
      done();
    },
  });
  const log = new Logger(out, 60_000);
  log.addSecret(SECRET);
  const reported: ImageResult[] = [];
  const reporter = new RunReporter(dir, log, (r) => reported.push(r));
  reporter.complete(results);
  reporter.finish({ GITHUB_STEP_SUMMARY: summary });
  return { root: dir, summary: readFileSync(summary, "utf8"), printed, reported };
}

describe("results are redacted on their raw text before any file is written", () => {
  it("a secret with a quote, a backslash, a pipe, a newline and $ appears in no result file, step summary, table or report", () => {
    const { root, summary, printed, reported } = run([failed("fixture-base"), failed("fixture-child")]);
    const files = ["fixture-base", "fixture-child"].map((image) => readFileSync(join(root, "dist/images", image, "result.json"), "utf8"));
    for (const text of [...files, summary, printed, JSON.stringify(reported)]) {
      for (const form of FORMS) expect(text).not.toContain(form);
    }
    const result = JSON.parse(files[0]!) as ImageResult;
    expect(result.error).toBe('push failed: the registry answered "denied for ***"\nsecond line');
    expect(result.tags?.["1.0.0"]?.reason).toBe("token ***");
    expect(result.checks?.[0]?.detail).toBe("$ env\n***");
    expect(summary).toContain('- fixture-base 1.0.0 (publish): push failed: the registry answered "denied for ***"');
  });

  it("a secret that contains another is replaced whole", () => {
    const log = new Logger(new Writable({ write: (_c, _e, done) => done() }));
    log.addSecret("abc");
    log.addSecret("xabcx-long");
    expect(log.redact("[xabcx-long] [abc]")).toBe("[***] [***]");
  });

  it("redactDeep reaches nested strings and keys and leaves other values alone", () => {
    expect(redactDeep({ a: ["s3cr3t", 1, null, { s3cr3t: true }] }, (t) => t.replaceAll("s3cr3t", "***"))).toEqual({ a: ["***", 1, null, { "***": true }] });
  });
});

describe("an image name becomes a path only when it is an image name", () => {
  it("writeResult refuses ../../etc with a clear error and writes nothing", () => {
    const tmp = mkdtempSync(join(tmpdir(), "reporter-"));
    dir = tmp;
    expect(() => writeResult(join(tmp, "ws"), failed("../../etc"))).toThrow(
      "no result file for \"../../etc\": an image name must be lower-case letters, digits and single '.', '_' or '-' separators, and it becomes the path dist/images/<image>",
    );
    expect(readdirSync(tmp)).toEqual([]);
  });

  it("a run naming ../../etc (e.g. on the command line) still reports it failed, says why there is no result file, and writes none", () => {
    const { root, printed, reported } = run([failed("../../etc"), failed("fixture-base")]);
    expect(reported.map((r) => r.image)).toEqual(["../../etc", "fixture-base"]);
    expect(printed).toContain('no result file for "../../etc"');
    expect(existsSync(join(root, "etc"))).toBe(false);
    expect(readdirSync(join(root, "dist/images"))).toEqual(["fixture-base"]);
  });
});
