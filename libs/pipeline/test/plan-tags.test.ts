import { describe, expect, it } from "vitest";
import { branchSlug, branchTag, planTags } from "../src/tags/plan-tags.ts";

const actions = (p: ReturnType<typeof planTags>) => Object.fromEntries([p.immutable, ...p.floating].map((s) => [s.tag, s.action]));

describe("planTags (release channel)", () => {
  it("creates every tag for the first version", () => {
    expect(actions(planTags({ version: "1.0.0", existingTags: [], channel: "release" }))).toEqual({
      "1.0.0": "create",
      "1.0": "create",
      "1": "create",
      latest: "create",
    });
  });

  it("moves floating tags forward to a newer version", () => {
    const p = planTags({ version: "1.1.0", existingTags: ["1.0.0", "1.0", "1", "latest"], channel: "release" });
    expect(actions(p)).toEqual({ "1.1.0": "create", "1.1": "create", "1": "move", latest: "move" });
  });

  it("a 1.0.1 hotfix after 2.0.0 moves 1.0 and 1, never latest", () => {
    const p = planTags({ version: "1.0.1", existingTags: ["1.0.0", "1.0", "1", "2.0.0", "2.0", "2", "latest"], channel: "release" });
    expect(actions(p)).toEqual({ "1.0.1": "create", "1.0": "move", "1": "move", latest: "skip" });
    expect(p.floating.find((s) => s.tag === "latest")!.reason).toBe("2.0.0 is newer");
  });

  it("a 1.4.1 after 1.5.0 moves only 1.4", () => {
    const p = planTags({ version: "1.4.1", existingTags: ["1.4.0", "1.5.0", "1.4", "1.5", "1", "latest"], channel: "release" });
    expect(actions(p)).toEqual({ "1.4.1": "create", "1.4": "move", "1": "skip", latest: "skip" });
  });

  it("skips an existing X.Y.Z and floating tags already on its digest: a re-run is a no-op", () => {
    const d = `sha256:${"1".repeat(64)}`;
    const p = planTags({
      version: "1.0.0",
      existingTags: ["1.0.0", "1.0", "1", "latest"],
      floatingDigests: { "1.0": d, "1": d, latest: d },
      digest: d,
      channel: "release",
    });
    expect(actions(p)).toEqual({ "1.0.0": "skip", "1.0": "skip", "1": "skip", latest: "skip" });
  });

  it("completes floating tags a previous, interrupted run did not move", () => {
    const d = `sha256:${"1".repeat(64)}`;
    const p = planTags({
      version: "1.1.0",
      existingTags: ["1.0.0", "1.1.0", "1", "latest"],
      floatingDigests: { "1": `sha256:${"0".repeat(64)}`, latest: d },
      digest: d,
      channel: "release",
    });
    expect(actions(p)).toEqual({ "1.1.0": "skip", "1.1": "create", "1": "move", latest: "skip" });
  });

  it("gives a prerelease only its own tag, and prereleases never outrank releases", () => {
    expect(actions(planTags({ version: "2.0.0-rc.1", existingTags: ["1.0.0"], channel: "release" }))).toEqual({ "2.0.0-rc.1": "create" });
    const p = planTags({ version: "1.0.1", existingTags: ["1.0.0", "1.1.0-rc.1"], channel: "release" });
    expect(actions(p)).toEqual({ "1.0.1": "create", "1.0": "create", "1": "create", latest: "create" });
  });

  it("ignores tags that are not versions", () => {
    const p = planTags({ version: "0.2.0", existingTags: ["latest", "edge", "v9.9.9", "0.1.0"], channel: "release" });
    expect(actions(p)).toEqual({ "0.2.0": "create", "0.2": "create", "0": "create", latest: "move" });
  });

  it("rejects a version that is not semver", () => {
    expect(() => planTags({ version: "1.0", existingTags: [], channel: "release" })).toThrow('version "1.0" is not semver');
  });
});

describe("branch channel", () => {
  it("tags <version>-<branch>.<sha7> and never moves a floating tag", () => {
    const p = planTags({ version: "1.2.3", existingTags: ["1.2.3", "1", "latest"], channel: "branch", branch: "feature/Add-AWS", sha: "0123456789abcdef" });
    expect(p).toEqual({ immutable: { tag: "1.2.3-feature-add-aws.0123456", action: "create", reason: "branch build" }, floating: [] });
  });

  it("skips a branch tag that exists", () => {
    const p = planTags({ version: "1.2.3", existingTags: ["1.2.3-main.abcdef0"], channel: "branch", branch: "main", sha: "abcdef0123" });
    expect(p.immutable.action).toBe("skip");
  });

  it("makes branch names safe semver identifiers", () => {
    expect(branchSlug("refs/heads/Feat/ü_x--y/")).toBe("feat-x-y");
    expect(branchSlug("___")).toBe("branch");
    expect(branchTag("1.0.0-rc.1", "dev", "1234567890")).toBe("1.0.0-dev.1234567");
  });
});
