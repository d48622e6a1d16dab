import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { changelogEntry } from "../src/changelog-entry.ts";
import { renderImageNotes, renderReleaseNotes } from "../src/render-notes.ts";
import { parseResult, readResults } from "../src/result-file.ts";

const HERE = dirname(fileURLToPath(import.meta.url));
const FIXTURES = join(HERE, "fixtures");
const D = (c: string) => `sha256:${c.repeat(64)}`;

describe("result files", () => {
  it("reads every dist/images/<image>/result.json, by image name", () => {
    const results = readResults(join(FIXTURES, "results"));
    expect(results.map((r) => [r.image, r.version, r.status])).toEqual([
      ["buildx", "2.3.0", "failed"],
      ["pandoc", "1.0.0", "skipped"],
      ["tooling-k8s", "1.1.0", "pushed"],
      ["tooling-k8s-aws", "1.0.1", "pushed"],
    ]);
  });

  it("names the file and the field when a result is malformed", () => {
    expect(() => parseResult(JSON.stringify({ image: "pandoc", status: "pushed" }), "dist/images/pandoc/result.json")).toThrow(
      /dist\/images\/pandoc\/result\.json: version: /,
    );
    expect(() => parseResult("{", "x/result.json")).toThrow(/x\/result\.json: not valid JSON/);
  });

  it("reads what the pipeline writes with the pipeline's own schema: a run that stopped before reading the image, a status it does not know", () => {
    const stopped = { image: "pandoc", version: "", command: "publish", status: "failed", error: "no registry", durationMs: 0 };
    expect(parseResult(JSON.stringify(stopped), "r.json")).toMatchObject(stopped);
    expect(() => parseResult(JSON.stringify({ ...stopped, status: "exploded" }), "r.json")).toThrow(/r\.json: status: /);
  });

  it("is empty when no image ran", () => {
    expect(readResults(join(FIXTURES, "does-not-exist"))).toEqual([]);
  });
});

describe("changelog entries", () => {
  const changelog = readFileSync(join(FIXTURES, "CHANGELOG.tooling-k8s.md"), "utf8");
  it("takes one version's section and nothing of the next", () => {
    expect(changelogEntry(changelog, "1.1.0")).toBe("### Minor Changes\n\n- 3f2a9c1: Add stern for multi-pod log tailing.");
    expect(changelogEntry(changelog, "1.0.0")).toBe("### Major Changes\n\n- First release.");
  });
  it("has nothing for a version the changelog does not mention", () => {
    expect(changelogEntry(changelog, "1.1")).toBeUndefined();
    expect(changelogEntry(changelog, "9.9.9")).toBeUndefined();
  });
});

describe("rendered notes", () => {
  const results = readResults(join(FIXTURES, "results"));
  const byImage = new Map(results.map((r) => [r.image, r]));

  it("an image's notes list its version, every tag with its action, digest, platforms, compressed sizes, pull line and changes", () => {
    expect(renderImageNotes(byImage.get("tooling-k8s")!, "### Minor Changes\n\n- Add stern.")).toBe(
      [
        "## tooling-k8s 1.1.0",
        "",
        "| | |",
        "|---|---|",
        "| status | pushed (release channel) |",
        "| tags | `1.1.0` (create), `1.1` (move), `1` (move), `latest` (move) |",
        `| digest | \`${D("a")}\` |`,
        "| platforms | linux/amd64 `111111111111`, linux/arm64 `222222222222` |",
        "| compressed size | linux/amd64 31.2 MB, linux/arm64 30.1 MB |",
        `| pull | \`docker pull docker.io/acme/tooling-k8s@${D("a")}\` |`,
        `| signature | \`${D("5")}\` |`,
        `| SBOM (SPDX 2.3) | linux/amd64 \`${D("6")}\`, linux/arm64 \`${D("7")}\` |`,
        `| provenance (SLSA v1) | \`${D("8")}\` |`,
        "",
        "### Changes",
        "",
        "### Minor Changes",
        "",
        "- Add stern.",
        "",
      ].join("\n"),
    );
  });

  it("accepts the past-tense tag actions too and says why a floating tag stayed", () => {
    const notes = renderImageNotes(byImage.get("tooling-k8s-aws")!);
    expect(notes).toContain("`1.0.1` (created), `1.0` (moved), `1` (moved), `latest` (skipped: 2.0.0 is newer)");
    expect(notes).not.toContain("| pull |"); // no repository in this result: no pull line to guess
  });

  it("a skipped image carries the pipeline's notice; a failed one its error, escaped for the table", () => {
    expect(renderImageNotes(byImage.get("pandoc")!)).toContain("| notice | pandoc 1.0.0 is already published");
    const failed = renderImageNotes(byImage.get("buildx")!);
    expect(failed).toContain("| status | failed (release channel) |");
    expect(failed).toContain('| error | smoke check "docker buildx is installed" failed on linux/arm64 \\| exit 127 |');
    expect(failed).toContain("| digest | — |");
  });

  it("the run's notes name each failed image first, then one summary row per image", () => {
    const notes = renderReleaseNotes(results);
    expect(notes.split("\n").slice(0, 13)).toEqual([
      "# Image release notes",
      "",
      "**1 image failed:**",
      "",
      '- buildx 2.3.0: smoke check "docker buildx is installed" failed on linux/arm64 | exit 127',
      "",
      "| image | version | status | tags | digest |",
      "|---|---|---|---|---|",
      "| buildx | 2.3.0 | failed | — | — |",
      "| pandoc | 1.0.0 | skipped | `1.0.0` (skip: 1.0.0 already exists) | `cccccccccccc` |",
      "| tooling-k8s | 1.1.0 | pushed | `1.1.0` (create), `1.1` (move), `1` (move), `latest` (move) | `aaaaaaaaaaaa` |",
      "| tooling-k8s-aws | 1.0.1 | pushed | `1.0.1` (created), `1.0` (moved), `1` (moved), `latest` (skipped: 2.0.0 is newer) | `bbbbbbbbbbbb` |",
      "",
    ]);
    expect(notes.match(/^## /gm)).toHaveLength(4);
  });

  it("a publish that failed half way says what it wrote and what it did not", () => {
    const partial = parseResult(
      JSON.stringify({
        image: "pandoc",
        version: "1.1.0",
        command: "publish",
        status: "failed",
        digest: D("d"),
        tags: { "1.1.0": { action: "create", digest: D("d"), reason: "new version" } },
        error: "registry 127.0.0.1:5000 answered HTTP 503 while pushing 1.1 to 127.0.0.1:5000/acme/pandoc\nsecond line",
        notice: `written before the failure: 1.1.0 → ${D("d")}; not written: 1.1, 1, latest`,
        pendingTags: ["1.1", "1", "latest"],
      }),
      "result.json",
    );
    const notes = renderReleaseNotes([partial]);
    expect(notes).toContain(
      `- pandoc 1.1.0: registry 127.0.0.1:5000 answered HTTP 503 while pushing 1.1 to 127.0.0.1:5000/acme/pandoc (written before the failure: 1.1.0 → ${D("d")}; not written: 1.1, 1, latest)`,
    );
    expect(notes).toContain("| pandoc | 1.1.0 | failed | `1.1.0` (create) |");
  });

  it("says so when nothing was published", () => {
    expect(renderReleaseNotes([])).toBe("# Image release notes\n\nNo image was published in this run.\n");
  });
});

describe("image names read back from result files", () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const resultsWith = (folder: string, result: object): string => {
    const root = mkdtempSync(join(tmpdir(), "results-"));
    dirs.push(root);
    mkdirSync(join(root, "dist/images", folder), { recursive: true });
    writeFileSync(join(root, "dist/images", folder, "result.json"), JSON.stringify(result));
    return root;
  };
  const result = (image: string) => ({ image, version: "1.0.0", status: "pushed" });

  it("refuse ../../etc before it reaches a path, naming the file, the field and the value", () => {
    expect(() => parseResult(JSON.stringify(result("../../etc")), "dist/images/x/result.json")).toThrow(
      "dist/images/x/result.json: image (is \"../../etc\"): must be lower-case letters, digits and single '.', '_' or '-' separators (an image name from image.yaml); it is used in file paths",
    );
    for (const bad of ["/etc", "..", "a/b", ".hidden", "Upper", ""])
      expect(() => parseResult(JSON.stringify(result(bad)), "r.json")).toThrow(/^r\.json: image \(is .*\): must be lower-case/);
    expect(parseResult(JSON.stringify(result("tooling-k8s.aws_2")), "r.json").image).toBe("tooling-k8s.aws_2");
  });

  it("refuse a result filed under another image's folder", () => {
    const root = resultsWith("pandoc", result("buildx"));
    expect(() => readResults(join(root, "dist/images"))).toThrow(
      `${join(root, "dist/images/pandoc/result.json")}: image: is "buildx", but the file is in the folder of image "pandoc"`,
    );
  });

  it("release-notes stops with one clear error and writes no notes file anywhere", () => {
    const root = resultsWith("etc", result("../../etc"));
    const r = spawnSync(process.execPath, ["--import", "tsx", join(HERE, "../src/release-notes.ts"), "--cwd", root, "--out", "dist/release-notes"], {
      encoding: "utf8",
      env: { ...process.env, GITHUB_STEP_SUMMARY: "" },
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      `release-notes: ${join(root, "dist/images/etc/result.json")}: image (is "../../etc"): must be lower-case letters, digits and single '.', '_' or '-' separators (an image name from image.yaml); it is used in file paths\n`,
    );
    expect(existsSync(join(root, "dist/release-notes"))).toBe(false);
    expect(existsSync(join(root, "../etc.md"))).toBe(false);
  });
});
