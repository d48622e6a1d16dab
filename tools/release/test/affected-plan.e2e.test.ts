import { randomBytes } from "node:crypto";
import semver from "semver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadHarnessEnv } from "@image-tooling/test-support/harness-env";
import type { TempWorkspace } from "@image-tooling/test-support/temp-workspace";
import { changeset, childrenOf, packageJson, releaseWorkspace, tsx, writeChangeset } from "./release-workspace.ts";

interface PlanJson {
  images: { image: string; version: string; tags: { tag: string; action: string }[] }[];
}

/** tooling-k8s and its children, as committed. */
const FAMILY = ["tooling-k8s", ...childrenOf("tooling-k8s")];
const floating = (version: string) => [`${semver.major(version)}.${semver.minor(version)}`, `${semver.major(version)}`, "latest"];
const byTag = (tags: { tag: string; action: string }[]) => [...tags].map(({ tag, action }) => ({ tag, action })).sort((a, b) => a.tag.localeCompare(b.tag));

// The release flow up to the publish plan: a minor changeset on tooling-k8s,
// `changeset version`, commit; then the pipeline's dry-run plan for what
// `nx affected -t publish` would publish since main, read against the
// harness registry (a fresh namespace, so every tag is new).
describe("after the version commit, the affected publish plan", { timeout: 300_000 }, () => {
  let ws: TempWorkspace;
  let plan: PlanJson;
  /** Each image's version on main, before `changeset version`. */
  let before: Record<string, string>;
  const namespace = `release-${randomBytes(4).toString("hex")}`;

  beforeAll(() => {
    const harness = loadHarnessEnv(); // fails, never skips, without the harness
    ws = releaseWorkspace();
    before = Object.fromEntries(FAMILY.map((image) => [image, packageJson(ws, image).version]));
    ws.git("checkout", "-q", "-b", "release");
    writeChangeset(ws, "k8s-stern", { "tooling-k8s": "minor" }, "Add stern.");
    ws.commitAll("feat: stern");
    const v = changeset(ws, "version");
    expect(v.status, v.output).toBe(0);
    ws.commitAll("Version images");

    const r = tsx(ws, "libs/pipeline/src/cli/main.ts", ["plan", "--affected", "--base", "main", "--json"], {
      IMAGE_REGISTRY: harness.HARNESS_REGISTRY,
      IMAGE_NAMESPACE: namespace,
    });
    expect(r.status, r.output).toBe(0);
    plan = JSON.parse(r.output.slice(r.output.indexOf("{"), r.output.lastIndexOf("}") + 1)) as PlanJson;
  }, 300_000);
  afterAll(() => ws?.dispose());

  it("lists exactly tooling-k8s and its two children, parent first", () => {
    const images = plan.images.map((i) => i.image);
    expect(images[0]).toBe("tooling-k8s");
    expect([...images].sort()).toEqual(FAMILY);
  });

  it("at the new versions: parent minor, children patch", () => {
    const versions = Object.fromEntries(plan.images.map((i) => [i.image, i.version]));
    expect(versions).toEqual(Object.fromEntries(FAMILY.map((image) => [image, semver.inc(before[image]!, image === "tooling-k8s" ? "minor" : "patch")])));
  });

  // In a fresh namespace no floating tag exists yet, so the plan creates
  // X.Y, X and latest too (libs/pipeline/src/tags/plan-tags.ts: "move" only
  // for a tag that already exists, "new line" otherwise).
  it("creating X.Y.Z, X.Y, X and latest for each, in a fresh namespace", () => {
    for (const img of plan.images) {
      expect(byTag(img.tags), img.image).toEqual(byTag([img.version, ...floating(img.version)].map((tag) => ({ tag, action: "create" }))));
    }
  });
});
