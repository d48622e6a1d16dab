import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { formatProblem, readImagePackage } from "@image-tooling/image-metadata";
import { findShellScripts, lintImage, shellcheck } from "../src/index.ts";
import { IMAGES, WORKSPACE } from "./helpers.ts";

describe("shellcheck", () => {
  it("is installed (the harness provision step installs it; no shellcheck is a failure, not a skip)", () => {
    expect(execFileSync("shellcheck", ["--version"], { encoding: "utf8" })).toMatch(/version: \d/);
  });

  it("passes on every shell script of every image", async () => {
    const scripts = IMAGES.flatMap((image) => findShellScripts(WORKSPACE, `packages/${image}`));
    expect(scripts).toEqual(
      expect.arrayContaining([
        "packages/toolbox-base/rootfs/usr/local/bin/entrypoint",
        "packages/toolbox-base/rootfs/usr/local/bin/toolbox-help",
        "packages/toolbox-base/rootfs/usr/local/libexec/toolbox/fetch-tools",
        "packages/toolbox-base/rootfs/usr/local/libexec/toolbox/apt-install",
        "packages/tooling-k8s-openstack/build/requirements-from-lock",
      ]),
    );
    expect((await shellcheck(WORKSPACE, scripts)).map(formatProblem)).toEqual([]);
  });

  const dir = mkdtempSync(join(tmpdir(), "shellcheck-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reports findings with file, line and code", async () => {
    const bad = join(dir, "bad");
    writeFileSync(bad, "#!/bin/sh\nfor f in $(ls *.txt); do echo $f; done\n", { mode: 0o755 });
    const rel = relative(WORKSPACE, bad);
    expect(findShellScripts(WORKSPACE, relative(WORKSPACE, dir))).toEqual([rel]);
    const problems = await shellcheck(WORKSPACE, [rel], "demo");
    expect(problems.map((p) => p.message)).toEqual(expect.arrayContaining([expect.stringMatching(/^SC2045/), expect.stringMatching(/^SC2086/)]));
    expect(problems[0]).toMatchObject({ file: rel, image: "demo", field: "line 2" });
  });

  it("a missing shellcheck is a problem", async () => {
    expect(await shellcheck(WORKSPACE, ["x.sh"], "demo", "shellcheck-that-does-not-exist")).toEqual([
      expect.objectContaining({ message: "cannot be checked: shellcheck is not installed" }),
    ]);
  });
});

describe("lintImage on every image of the workspace", () => {
  it.each(IMAGES)("%s is clean", async (image) => {
    const problems = await lintImage(WORKSPACE, readImagePackage(WORKSPACE, `packages/${image}`));
    expect(problems.map(formatProblem)).toEqual([]);
  });
});
