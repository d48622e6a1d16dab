import type { ImagePackage } from "@image-tooling/image-metadata";
import { describe, expect, it } from "vitest";
import {
  decideBeforePush,
  describeBase,
  floatingOnto,
  planPublish,
  snapshotQuery,
  type PlanInput,
  type PublishPlan,
  type PublishTarget,
  type RegistrySnapshot,
  type TagTarget,
} from "../src/plan/plan-publish.ts";

// The publish planner without an engine or a registry: each case is a
// registry snapshot as read-snapshot.ts would read it, and the plan (or the
// decision right before the push) that publish carries out.
const digest = (n: number) => `sha256:${String(n).repeat(64).slice(0, 64)}`;
const D1 = digest(1);
const D2 = digest(2);
const D3 = digest(3);
const INPUTS = `sha256:${"a".repeat(64)}`;
const OTHER_INPUTS = `sha256:${"b".repeat(64)}`;
const PARENT_INPUTS = `sha256:${"c".repeat(64)}`;
const COMMIT = "0123456789abcdef0123456789abcdef01234567";
const target: PublishTarget = { registry: "registry.example:5000", namespace: "acme", channel: "release" };

function image(name: string, version: string, parent?: string): ImagePackage {
  return {
    name,
    root: `packages/${name}`,
    version,
    dependencies: {},
    metadata: {
      name,
      description: `${name} for tests`,
      platforms: ["linux/amd64", "linux/arm64"],
      ...(parent ? { parent } : { base: { image: "docker.io/library/debian:trixie-slim", digest: D3 } }),
      dockerfile: "Dockerfile",
      smoke: "smoke.yaml",
    },
    files: {
      metadata: `packages/${name}/image.yaml`,
      packageJson: `packages/${name}/package.json`,
      dockerfile: `packages/${name}/Dockerfile`,
      smoke: `packages/${name}/smoke.yaml`,
    },
  };
}

const empty: RegistrySnapshot = { tags: [], floating: {} };

function plan(registry: RegistrySnapshot, overrides: Partial<PlanInput> = {}): PublishPlan {
  return planPublish({ pkg: image("tool", "1.1.0"), inputs: { digest: INPUTS }, git: { commit: COMMIT, branch: "main" }, target, registry, ...overrides });
}

const steps = (p: PublishPlan) => Object.fromEntries([p.immutable, ...p.floating].map((s) => [s.tag, `${s.action} → ${show(s.target)}`]));
const show = (t: TagTarget) => (t === null ? "absent" : t === "pushed" ? "pushed" : t.digest.slice(7, 10));

describe("planPublish: the immutable tag exists", () => {
  it("skips when X.Y.Z and every floating tag are in place: nothing to write", () => {
    const p = plan({
      tags: ["1.0.0", "1.1.0", "1.1", "1", "latest"],
      immutable: { digest: D1, inputsDigest: INPUTS },
      floating: { "1.1": D1, "1": D1, latest: D1 },
    });
    expect(p.action).toEqual({ kind: "skip", digest: D1 });
    expect(steps(p)).toEqual({ "1.1.0": "skip → 111", "1.1": "skip → 111", "1": "skip → 111", latest: "skip → 111" });
    expect(p.notice).toBe(`tool 1.1.0 is already published (${D1}); skipped`);
    // Not built, so the parent is not read: the base is the pinned one all the same.
    expect(describeBase(p.base)).toBe(`docker.io/library/debian:trixie-slim@${D3}`);
  });

  it("says a changeset is missing when the published X.Y.Z was built from other files", () => {
    const p = plan({
      tags: ["1.1.0", "1.1", "1", "latest"],
      immutable: { digest: D1, inputsDigest: OTHER_INPUTS },
      floating: { "1.1": D1, "1": D1, latest: D1 },
    });
    expect(p.action.kind).toBe("skip");
    expect(p.notice).toBe(
      "tool 1.1.0 is already published, but its files changed since: this change has no changeset for tool — add one (npx changeset, pick tool) so it is released as a new version",
    );
  });

  it("completes the floating tags an interrupted run left behind or elsewhere, onto X.Y.Z's digest", () => {
    // 1.1 missing, 1 still on 1.0.0's digest, latest already moved.
    const p = plan({ tags: ["1.0.0", "1.1.0", "1", "latest"], immutable: { digest: D1, inputsDigest: INPUTS }, floating: { "1": D2, latest: D1 } });
    expect(p.action).toEqual({ kind: "complete", digest: D1 });
    expect(steps(p)).toEqual({ "1.1.0": "skip → 111", "1.1": "create → 111", "1": "move → 111", latest: "skip → 111" });
    expect(p.floating.find((s) => s.tag === "latest")!.reason).toBe("already points here");
  });

  it("leaves a floating tag on a newer version where it is", () => {
    const p = plan({
      tags: ["1.1.0", "2.0.0", "1.1", "1", "latest"],
      immutable: { digest: D1, inputsDigest: INPUTS },
      floating: { "1.1": D2, "1": D2, latest: D3 },
    });
    expect(steps(p)).toEqual({ "1.1.0": "skip → 111", "1.1": "move → 111", "1": "move → 111", latest: "skip → 333" });
    expect(p.floating.find((s) => s.tag === "latest")!.reason).toBe("2.0.0 is newer");
  });
});

describe("planPublish: a new version", () => {
  it("builds, pushes X.Y.Z, then moves the floating tags onto the pushed digest", () => {
    const p = plan({ tags: ["1.0.0", "1.0", "1", "latest"], floating: { "1": D2, latest: D2 } });
    expect(p.action).toEqual({ kind: "build" });
    expect(steps(p)).toEqual({ "1.1.0": "create → pushed", "1.1": "create → pushed", "1": "move → pushed", latest: "move → pushed" });
    expect(p.notice).toBeUndefined();
    expect(p).toMatchObject({ image: "tool", version: "1.1.0", repository: "registry.example:5000/acme/tool", channel: "release", inputsDigest: INPUTS });
  });

  it("a prerelease gets its own tag only", () => {
    const p = plan(empty, { pkg: image("tool", "2.0.0-rc.1") });
    expect(steps(p)).toEqual({ "2.0.0-rc.1": "create → pushed" });
    expect(snapshotQuery(image("tool", "2.0.0-rc.1"), undefined, { commit: COMMIT }, target)).toMatchObject({ immutable: "2.0.0-rc.1", floating: [] });
  });

  it("a branch build gets <version>-<branch>.<sha7> and no floating tag; the configured branch wins over git's", () => {
    const branchTarget: PublishTarget = { ...target, channel: "branch" };
    const fromGit = plan({ tags: ["1.1.0", "latest"], floating: {} }, { target: branchTarget, git: { commit: COMMIT, branch: "feature/Try-It" } });
    expect(steps(fromGit)).toEqual({ "1.1.0-feature-try-it.0123456": "create → pushed" });
    const fromFlag = plan(empty, { target: { ...branchTarget, branch: "release/next" }, git: { commit: COMMIT, branch: "HEAD-of-git" } });
    expect(fromFlag.immutable.tag).toBe("1.1.0-release-next.0123456");
    expect(snapshotQuery(image("tool", "1.1.0"), undefined, { commit: COMMIT, branch: "dev" }, branchTarget)).toEqual({
      repository: "acme/tool",
      immutable: "1.1.0-dev.0123456",
      floating: [],
      platform: "linux/amd64",
    });
  });

  it("reads the floating tags of a release and the parent at its own tag in this channel", () => {
    const child = image("child", "3.1.4", "base");
    expect(snapshotQuery(child, image("base", "1.2.0"), { commit: COMMIT, branch: "dev" }, target)).toEqual({
      repository: "acme/child",
      immutable: "3.1.4",
      floating: ["3.1", "3", "latest"],
      platform: "linux/amd64",
      parent: { repository: "acme/base", tag: "1.2.0", platform: "linux/amd64" },
    });
    expect(snapshotQuery(child, image("base", "1.2.0"), { commit: COMMIT, branch: "dev" }, { ...target, channel: "branch" }).parent!.tag).toBe(
      "1.2.0-dev.0123456",
    );
  });
});

describe("planPublish: a child's parent", () => {
  const child = (registry: RegistrySnapshot, extra: Partial<PlanInput> = {}) =>
    plan(registry, { pkg: image("child", "1.0.0", "base"), parent: image("base", "2.0.0"), inputs: { digest: INPUTS, parent: PARENT_INPUTS }, ...extra });

  it("builds on the published parent by digest when it carries this commit's inputs", () => {
    const p = child({ ...empty, parent: { digest: D2, inputsDigest: PARENT_INPUTS } });
    expect(p.base).toEqual({ kind: "parent", ref: `registry.example:5000/acme/base@${D2}`, name: "registry.example:5000/acme/base:2.0.0", digest: D2 });
  });

  it("an absent parent: the plan says nx publishes it first; publish stops with what to do", () => {
    const p = child({ ...empty, parent: null });
    expect(p.base).toMatchObject({ kind: "parent-blocked", note: "not published yet: nx runs its publish first (dependsOn ^publish)" });
    expect(p.base.kind === "parent-blocked" && p.base.error).toBe(
      "parent image registry.example:5000/acme/base:2.0.0 is not published yet: publish it first (`npx nx run <child>:publish` does, through dependsOn ^publish)",
    );
  });

  it("a stale parent (other inputs, or no label): publish stops and asks for a changeset for the parent", () => {
    const stale = child({ ...empty, parent: { digest: D2, inputsDigest: OTHER_INPUTS } });
    expect(stale.base.kind === "parent-blocked" && stale.base.error).toBe(
      `parent image registry.example:5000/acme/base:2.0.0 was built from other files than this commit's packages/base (inputs ${OTHER_INPUTS} ≠ ${PARENT_INPUTS}): add a changeset for base so it is released as a new version, then publish again`,
    );
    expect(describeBase(stale.base)).toBe(
      "registry.example:5000/acme/base:2.0.0 (built from other files than this commit's packages/base: publish would stop)",
    );
    const unlabelled = child({ ...empty, parent: { digest: D2 } });
    expect(unlabelled.base.kind === "parent-blocked" && unlabelled.base.error).toContain("(inputs unlabelled ≠ ");
  });

  it("a parent this run builds earlier (plan over several images) is not a problem", () => {
    const parentPlan = plan(empty, { pkg: image("base", "2.0.0") });
    const p = child({ ...empty, parent: null }, { earlier: new Map([["base", parentPlan]]) });
    expect(p.base).toEqual({ kind: "parent-pending", name: "registry.example:5000/acme/base:2.0.0", note: "published earlier in this run" });
  });

  it("a child that is not built does not read its parent", () => {
    const p = child({ tags: ["1.0.0"], immutable: { digest: D1, inputsDigest: INPUTS }, floating: {} });
    expect(describeBase(p.base)).toBe("registry.example:5000/acme/base:2.0.0 (as published by its own publish, which nx runs first)");
  });
});

describe("X.Y.Z appeared while this run was building", () => {
  const building = plan({ tags: ["1.0.0", "1.0", "1", "latest"], floating: { "1": D2, latest: D2 } });

  it("absent: push", () => {
    expect(decideBeforePush(building, null)).toEqual({ kind: "push" });
  });

  it("with the same inputs: done — it is what this run would have pushed; its floating tags are completed onto it", () => {
    const decision = decideBeforePush(building, { digest: D1, inputsDigest: INPUTS });
    expect(decision).toEqual({
      kind: "done",
      digest: D1,
      notice: `registry.example:5000/acme/tool:1.1.0 appeared in the registry (${D1}) while this run was building, built from the same inputs: another publish got there first; not pushing, completing its floating tags`,
    });
    // The other publish has moved 1.1 already; 1 and latest are still behind.
    const now = { tags: ["1.0.0", "1.0", "1.1.0", "1.1", "1", "latest"], floating: { "1.1": D1, "1": D2, latest: D2 } };
    const floating = floatingOnto(building, now, D1);
    expect(Object.fromEntries(floating.map((s) => [s.tag, `${s.action} → ${show(s.target)}`]))).toEqual({
      "1.1": "skip → 111",
      "1": "move → 111",
      latest: "move → 111",
    });
  });

  it("with other inputs (or none): refuse, never overwrite", () => {
    const other = decideBeforePush(building, { digest: D3, inputsDigest: OTHER_INPUTS });
    expect(other).toEqual({
      kind: "refuse",
      error: `registry.example:5000/acme/tool:1.1.0 appeared in the registry (${D3}) while this run was building, built from other inputs (${OTHER_INPUTS} ≠ ${INPUTS}): another publish got there first; not overwriting it (re-run to skip it and complete the floating tags)`,
    });
    expect(decideBeforePush(building, { digest: D3 })).toMatchObject({
      kind: "refuse",
      error: expect.stringContaining("built from other inputs (unlabelled ≠ "),
    });
  });

  it("a newer version published meanwhile keeps its floating tags", () => {
    const now = { tags: ["1.0.0", "1.1.0", "1.2.0", "1.0", "1.2", "1", "latest"], floating: { "1.2": D3, "1": D3, latest: D3 } };
    const floating = floatingOnto(building, now, D1);
    expect(Object.fromEntries(floating.map((s) => [s.tag, `${s.action} → ${show(s.target)}`]))).toEqual({
      "1.1": "create → 111",
      "1": "skip → 333",
      latest: "skip → 333",
    });
  });

  it("a prerelease or branch build has no floating tags to complete", () => {
    const rc = plan(empty, { pkg: image("tool", "2.0.0-rc.1") });
    expect(floatingOnto(rc, { tags: ["2.0.0-rc.1"], floating: {} }, D1)).toEqual([]);
  });
});

describe("a floating tag never points at an untested digest", () => {
  // Every combination of which tags exist and where they point: a floating tag
  // that moves goes where X.Y.Z is (the digest in the registry, or the one this
  // run pushes after its smoke tests), and nowhere else.
  const versions = ["0.9.0", "1.0.0", "1.1.0", "1.2.0", "2.0.0"];
  const pointers = [undefined, D1, D2, D3];
  const cases: RegistrySnapshot[] = [];
  for (const existing of [undefined, D1, D2])
    for (const older of [[], ["1.0.0"], ["1.0.0", "1.2.0"], ["2.0.0"], versions])
      for (const pointer of pointers) {
        const floating: Record<string, string> = pointer ? { "1.1": pointer, "1": pointer, latest: pointer } : {};
        const tags = [...older.filter((v) => v !== "1.1.0"), ...(existing ? ["1.1.0"] : []), ...Object.keys(floating)];
        cases.push({ tags, floating, ...(existing && { immutable: { digest: existing, inputsDigest: INPUTS } }) });
      }

  it(`in every plan (${cases.length} registry states)`, () => {
    for (const registry of cases) {
      const p = plan(registry);
      const xyz: TagTarget = registry.immutable ? { digest: registry.immutable.digest } : "pushed";
      expect(p.immutable.target).toEqual(xyz);
      for (const step of p.floating) {
        if (step.action === "skip") expect(step.target).toEqual(registry.floating[step.tag] ? { digest: registry.floating[step.tag] } : null);
        else expect(step.target, JSON.stringify(registry)).toEqual(xyz);
      }
    }
  });

  it("and in every completion after the push, whatever the registry looks like by then", () => {
    const building = plan(empty);
    for (const now of cases) {
      for (const step of floatingOnto(building, now, D1)) {
        if (step.action !== "skip") expect(step.target).toEqual({ digest: D1 });
      }
    }
  });

  it("a refused push leaves nothing to move", () => {
    const decision = decideBeforePush(plan(empty), { digest: D2, inputsDigest: OTHER_INPUTS });
    expect(decision.kind).toBe("refuse");
    expect(Object.keys(decision)).toEqual(["kind", "error"]);
  });
});
