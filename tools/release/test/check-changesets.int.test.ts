import semver from "semver";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { TempWorkspace } from "@image-tooling/test-support/temp-workspace";
import { changeset, checkChangesets, IMAGES, packageJson, releaseWorkspace, writeChangeset } from "./release-workspace.ts";

// The real check (npm run check:changesets) in a real git copy of the
// workspace: real nx affected, real .changeset parsing, real release plan.
// Each case branches off main, as a pull request does.
describe("npm run check:changesets", { timeout: 120_000 }, () => {
  let ws: TempWorkspace;
  let version: Record<string, string>;
  const next = (image: string, type: "patch" | "minor") => semver.inc(version[image]!, type)!;
  beforeAll(() => {
    ws = releaseWorkspace();
    version = Object.fromEntries(IMAGES.map((i) => [i, packageJson(ws, i).version]));
  }, 60_000);
  afterAll(() => ws?.dispose());
  beforeEach((ctx) => ws.branchFromMain(`case-${ctx.task.id}`));

  it("fails on a Dockerfile change with no changeset, naming the image and how to add one; passes once one is added", () => {
    ws.append("packages/tooling-k8s/Dockerfile", "RUN echo changed\n");
    ws.commitAll("change tooling-k8s");

    const fail = checkChangesets(ws, "--base", "main", "--head", "HEAD");
    expect(fail.status, fail.output).toBe(1);
    expect(fail.output).toContain("✗ tooling-k8s: no changeset; its files changed: packages/tooling-k8s/Dockerfile");
    expect(fail.output).toContain("✗ tooling-k8s-aws: no changeset; affected through its parent tooling-k8s");
    expect(fail.output).toContain("Missing changeset for tooling-k8s, tooling-k8s-aws, tooling-k8s-openstack.");
    expect(fail.output).toContain("run `npx changeset`, select the image(s)");
    expect(fail.output).toContain("tooling-k8s-aws, tooling-k8s-openstack: a changeset for tooling-k8s covers them");
    expect(fail.output).not.toMatch(/buildx|pandoc/);

    writeChangeset(ws, "k8s-change", { "tooling-k8s": "minor" }, "Change tooling-k8s.");
    ws.commitAll("changeset");
    const pass = checkChangesets(ws, "--base", "main", "--head", "HEAD");
    expect(pass.status, pass.output).toBe(0);
    expect(pass.output).toContain(`✓ tooling-k8s: minor → ${next("tooling-k8s", "minor")} (.changeset/k8s-change.md)`);
    // Children are covered by the parent's changeset: changesets patch-bumps them.
    expect(pass.output).toContain(`✓ tooling-k8s-aws: patch → ${next("tooling-k8s-aws", "patch")} as a dependent of tooling-k8s`);
    expect(pass.output).toContain(`✓ tooling-k8s-openstack: patch → ${next("tooling-k8s-openstack", "patch")} as a dependent of tooling-k8s`);
    expect(pass.output).toContain("Every changed image has a changeset.");
  });

  it("without --head it judges the working tree: an uncommitted changeset counts before the commit", () => {
    ws.append("packages/pandoc/Dockerfile", "RUN echo changed\n");
    ws.commitAll("change pandoc");
    writeChangeset(ws, "pandoc-change", { pandoc: "patch" }, "Change pandoc.");
    expect(checkChangesets(ws, "--base", "main").status).toBe(0);
    expect(checkChangesets(ws, "--base", "main", "--head", "HEAD").status).toBe(1);
  });

  it("a child whose own files changed needs its own changeset, even when the parent's bumps it", () => {
    ws.append("packages/tooling-k8s/Dockerfile", "RUN echo parent\n");
    ws.append("packages/tooling-k8s-aws/Dockerfile", "RUN echo child\n");
    writeChangeset(ws, "k8s-change", { "tooling-k8s": "patch" }, "Change tooling-k8s.");
    ws.commitAll("change both");
    const r = checkChangesets(ws, "--base", "main", "--head", "HEAD");
    expect(r.status, r.output).toBe(1);
    expect(r.output).toContain(
      "✗ tooling-k8s-aws: no changeset; its files changed: packages/tooling-k8s-aws/Dockerfile (the patch it gets from tooling-k8s's changeset does not describe its own change)",
    );
    expect(r.output).toContain("✓ tooling-k8s-openstack: patch");
  });

  it("a changeset already pending on the base branch covers nothing in this change", () => {
    ws.git("checkout", "-q", "main");
    writeChangeset(ws, "pandoc-earlier", { pandoc: "patch" }, "Earlier pandoc change.");
    ws.commitAll("pending on main");
    ws.git("checkout", "-q", "-b", "later-pandoc-change");
    ws.append("packages/pandoc/Dockerfile", "RUN echo later\n");
    ws.commitAll("change pandoc again");
    const r = checkChangesets(ws, "--base", "main", "--head", "HEAD");
    ws.git("checkout", "-q", "main");
    ws.git("reset", "-q", "--hard", "HEAD~1"); // leave main as the other cases expect it
    expect(r.status, r.output).toBe(1);
    expect(r.output).toContain("✗ pandoc: no changeset");
  });

  it("a shared input (the pipeline lib) affects every image; an empty changeset records that none needs a release", () => {
    ws.append("libs/pipeline/package.json", "\n");
    ws.commitAll("touch the pipeline lib");
    const fail = checkChangesets(ws, "--base", "main", "--head", "HEAD");
    expect(fail.status, fail.output).toBe(1);
    // toolbox-base, the root of the image graph, is affected through the lib; the rest through their parents.
    expect(fail.output).toContain("✗ toolbox-base: no changeset; affected through a shared input");
    expect(fail.output).toContain("✗ buildx: no changeset; affected through its parent toolbox-base");
    expect(fail.output).toContain("`npx changeset --empty` records that instead");

    const empty = changeset(ws, "add", "--empty");
    expect(empty.status, empty.output).toBe(0);
    ws.commitAll("empty changeset");
    const pass = checkChangesets(ws, "--base", "main", "--head", "HEAD");
    expect(pass.status, pass.output).toBe(0);
    expect(pass.output).toMatch(/– toolbox-base: no release needed, says \.changeset\/[a-z-]+\.md/);
    expect(pass.output).toMatch(/– buildx: no release needed, says \.changeset\/[a-z-]+\.md/);
  });

  it("the version PR passes: its version bumps are the release", () => {
    ws.append("packages/tooling-k8s/Dockerfile", "RUN echo changed\n");
    writeChangeset(ws, "k8s-change", { "tooling-k8s": "minor" }, "Change tooling-k8s.");
    ws.commitAll("feature with changeset");
    ws.git("branch", "-f", "main", "HEAD"); // merged
    const v = changeset(ws, "version");
    expect(v.status, v.output).toBe(0);
    ws.commitAll("Version images");
    const r = checkChangesets(ws, "--base", "main", "--head", "HEAD");
    ws.git("checkout", "-q", "main");
    ws.git("reset", "-q", "--hard", "HEAD~1");
    expect(r.status, r.output).toBe(0);
    expect(r.output).toContain(`✓ tooling-k8s: version ${version["tooling-k8s"]} → ${next("tooling-k8s", "minor")} in this change`);
    expect(r.output).toContain(`✓ tooling-k8s-aws: version ${version["tooling-k8s-aws"]} → ${next("tooling-k8s-aws", "patch")} in this change`);
  });

  it("refuses a changeset that names an internal package: changesets version images only", () => {
    ws.append("packages/buildx/Dockerfile", "RUN echo changed\n");
    ws.write(".changeset/internal.md", '---\n"buildx": patch\n"@image-tooling/pipeline": minor\n---\n\nMixed.\n');
    ws.commitAll("internal changeset");
    const r = checkChangesets(ws, "--base", "main", "--head", "HEAD");
    expect(r.status, r.output).toBe(1);
    expect(r.output).toContain('✗ .changeset/internal.md names "@image-tooling/pipeline", which is not an image');
  });

  it("needs no changeset for an image's README and CHANGELOG: .dockerignore leaves them out of the image", () => {
    ws.append("packages/pandoc/README.md", "\nmore words\n");
    ws.append("packages/tooling-k8s/CHANGELOG.md", "\nreworded\n");
    ws.commitAll("image docs");
    const r = checkChangesets(ws, "--base", "main", "--head", "HEAD");
    expect(r.status, r.output).toBe(0);
    expect(r.output).toContain("No image inputs changed since main: no changeset needed.");
  });

  it("needs no changeset for a smoke.yaml change: it re-runs the checks but changes no image", () => {
    ws.append("packages/tooling-k8s/smoke.yaml", "\n# a comment\n");
    ws.commitAll("smoke spec");
    const r = checkChangesets(ws, "--base", "main", "--head", "HEAD");
    expect(r.status, r.output).toBe(0);
    expect(r.output).toContain("No image inputs changed since main: no changeset needed.");
  });

  it("names only an image's inputs among its changed files", () => {
    ws.append("packages/pandoc/Dockerfile", "RUN echo changed\n");
    ws.append("packages/pandoc/README.md", "\nmore words\n");
    ws.commitAll("pandoc and its docs");
    const r = checkChangesets(ws, "--base", "main", "--head", "HEAD");
    expect(r.status, r.output).toBe(1);
    expect(r.output).toContain("✗ pandoc: no changeset; its files changed: packages/pandoc/Dockerfile\n");
  });

  it("passes when no image changed", () => {
    ws.append("README.md", "\nmore words\n");
    ws.commitAll("docs");
    const r = checkChangesets(ws, "--base", "main", "--head", "HEAD");
    expect(r.status, r.output).toBe(0);
    expect(r.output).toContain("No image inputs changed since main: no changeset needed.");
  });

  it("says how to fix a base ref it cannot find", () => {
    const r = checkChangesets(ws, "--base", "origin/main", "--head", "HEAD");
    expect(r.status).toBe(2);
    expect(r.output).toMatch(/check:changesets: cannot find where HEAD forked from "origin\/main".*fetch-depth: 0/s);
  });
});
