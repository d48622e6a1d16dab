import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

const HERE = dirname(fileURLToPath(import.meta.url));
const FIXTURES = join(HERE, "fixtures");
const REPO = resolve(HERE, "../../..");

describe("release-notes CLI", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("writes the run's notes and one file per image with its CHANGELOG entry, and appends to the job summary", () => {
    dir = mkdtempSync(join(tmpdir(), "release-notes-"));
    cpSync(join(FIXTURES, "results"), join(dir, "dist/images"), { recursive: true });
    mkdirSync(join(dir, "packages/tooling-k8s"), { recursive: true });
    cpSync(join(FIXTURES, "CHANGELOG.tooling-k8s.md"), join(dir, "packages/tooling-k8s/CHANGELOG.md"));
    writeFileSync(join(dir, "summary.md"), "");
    const r = spawnSync(
      process.execPath,
      [join(REPO, "node_modules/tsx/dist/cli.mjs"), join(REPO, "tools/release/src/release-notes.ts"), "--cwd", dir, "--out", "dist/release-notes"],
      {
        encoding: "utf8",
        env: { ...process.env, GITHUB_STEP_SUMMARY: join(dir, "summary.md") },
      },
    );
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("| tooling-k8s | 1.1.0 | pushed |");
    expect(readFileSync(join(dir, "dist/release-notes/release-notes.md"), "utf8")).toBe(r.stdout);
    expect(readFileSync(join(dir, "summary.md"), "utf8")).toContain(r.stdout);
    const k8s = readFileSync(join(dir, "dist/release-notes/tooling-k8s.md"), "utf8");
    expect(k8s).toMatch(/^## tooling-k8s 1\.1\.0\n/);
    expect(k8s).toContain("### Changes\n\n### Minor Changes\n\n- 3f2a9c1: Add stern for multi-pod log tailing.\n");
    expect(readFileSync(join(dir, "dist/release-notes/pandoc.md"), "utf8")).not.toContain("### Changes");
  });

  it("fails with the file's name when a result file is broken", () => {
    dir = mkdtempSync(join(tmpdir(), "release-notes-"));
    mkdirSync(join(dir, "dist/images/pandoc"), { recursive: true });
    writeFileSync(join(dir, "dist/images/pandoc/result.json"), JSON.stringify({ image: "pandoc", version: "1.0.0" }));
    const r = spawnSync(process.execPath, [join(REPO, "node_modules/tsx/dist/cli.mjs"), join(REPO, "tools/release/src/release-notes.ts"), "--cwd", dir], {
      encoding: "utf8",
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^release-notes: .*dist\/images\/pandoc\/result\.json: status: /);
  });
});
