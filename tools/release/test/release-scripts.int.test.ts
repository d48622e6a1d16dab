import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import semver from "semver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TempWorkspace } from "@image-tooling/test-support/temp-workspace";
import { changeset, childrenOf, IMAGES, packageJson, releaseWorkspace, writeChangeset } from "./release-workspace.ts";

// release:pending and release:tag as release.yml runs them, in a real git
// copy of the workspace with a bare repository as `origin` and a stand-in
// `gh` that records what it was asked to do.
describe("release scripts", { timeout: 120_000 }, () => {
  let ws: TempWorkspace;
  let scratch: string;
  let version: Record<string, string>;
  const ghLog = () => join(scratch, "gh.log");
  const npmRun = (script: string, args: string[] = [], env: Record<string, string> = {}) =>
    ws.run("npm", ["run", "--silent", script, "--", ...args], {
      NX_BASE: undefined,
      NX_HEAD: undefined,
      GITHUB_STEP_SUMMARY: undefined,
      GITHUB_OUTPUT: join(scratch, "github-output"),
      PATH: `${join(scratch, "bin")}:${process.env.PATH}`,
      ...env,
    });
  const output = () => readFileSync(join(scratch, "github-output"), "utf8");

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), "release-scripts-"));
    mkdirSync(join(scratch, "bin"));
    writeFileSync(join(scratch, "bin/gh"), `#!/bin/sh\nprintf '%s\\n' "$*" >> "${ghLog()}"\n`);
    chmodSync(join(scratch, "bin/gh"), 0o755);
    ws = releaseWorkspace();
    ws.run("git", ["init", "-q", "--bare", join(scratch, "origin.git")]);
    ws.git("remote", "add", "origin", join(scratch, "origin.git"));
    ws.git("push", "-q", "origin", "main");
    version = Object.fromEntries(IMAGES.map((i) => [i, packageJson(ws, i).version]));
    // Earlier releases: every image's current version is already tagged.
    expect(changeset(ws, "tag").status).toBe(0);
    ws.git("push", "-q", "origin", "--tags");
  }, 60_000);
  afterAll(() => {
    ws?.dispose();
    rmSync(scratch, { recursive: true, force: true });
  });

  it("release:pending says no while only an empty changeset waits (it must not hold back publishing), yes for a real one", () => {
    expect(changeset(ws, "add", "--empty").status).toBe(0);
    writeFileSync(join(scratch, "github-output"), "");
    const none = npmRun("release:pending");
    expect(none.status, none.output).toBe(0);
    expect(none.output).toContain("No pending image releases.");
    expect(output()).toBe("pending=false\n");

    writeChangeset(ws, "k8s-stern", { "tooling-k8s": "minor" }, "Add stern.");
    writeFileSync(join(scratch, "github-output"), "");
    const some = npmRun("release:pending");
    expect(some.status, some.output).toBe(0);
    expect(some.output).toContain(`tooling-k8s: ${version["tooling-k8s"]} → ${semver.inc(version["tooling-k8s"]!, "minor")} (minor)`);
    expect(some.output).toContain(`tooling-k8s-aws: ${version["tooling-k8s-aws"]} → ${semver.inc(version["tooling-k8s-aws"]!, "patch")} (patch)`);
    expect(output()).toBe("pending=true\n");
    ws.commitAll("changesets");
  });

  it("release:tag tags only the new versions, pushes them and creates one GitHub release per tag with its notes", () => {
    expect(changeset(ws, "version").status).toBe(0);
    ws.commitAll("Version images");
    writeFileSync(join(scratch, "github-output"), "");
    expect(npmRun("release:pending").output).toContain("No pending image releases.");

    const parent = `tooling-k8s@${semver.inc(version["tooling-k8s"]!, "minor")}`;
    const children = childrenOf("tooling-k8s").map((c) => `${c}@${semver.inc(version[c]!, "patch")}`);
    ws.write("dist/release-notes/tooling-k8s.md", "## tooling-k8s notes\n");
    const r = npmRun("release:tag", ["--notes", "dist/release-notes", "--github-releases"]);
    expect(r.status, r.output).toBe(0);

    const remoteTags = ws
      .git("ls-remote", "--tags", "origin")
      .split("\n")
      .map((l) => l.replace(/^.*refs\/tags\//, "").replace(/\^\{\}$/, ""));
    expect(remoteTags).toEqual(expect.arrayContaining([parent, ...children]));
    expect(r.output).toContain(`Pushed ${[parent, ...children].join(", ")}`);

    const gh = readFileSync(ghLog(), "utf8").trim().split("\n").sort();
    expect(gh).toEqual(
      [
        `release create ${parent} --verify-tag --title ${parent} --notes-file ${join(ws.root, "dist/release-notes/tooling-k8s.md")}`,
        ...children.map((c) => `release create ${c} --verify-tag --title ${c} --notes ${c}: no release notes were rendered for this image.`),
      ].sort(),
    );

    // A re-run (e.g. the workflow retried) finds nothing new to tag.
    rmSync(ghLog());
    const again = npmRun("release:tag", ["--github-releases"]);
    expect(again.status, again.output).toBe(0);
    expect(again.output).toContain("No new image version to tag.");
  });
});
