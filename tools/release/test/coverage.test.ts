import type { ComprehensiveRelease, NewChangeset } from "@changesets/types";
import { describe, expect, it } from "vitest";
import { judge, type AffectedImage } from "../src/coverage.ts";
import { renderCheck } from "../src/render-check.ts";

const img = (image: string, over: Partial<AffectedImage> = {}): AffectedImage => ({
  image,
  ownChanges: [],
  baseVersion: "1.0.0",
  version: "1.0.0",
  parents: image.startsWith("tooling-k8s-") ? ["tooling-k8s"] : [],
  ...over,
});
const cs = (id: string, releases: Record<string, "patch" | "minor" | "major" | "none">): NewChangeset => ({
  id,
  summary: id,
  releases: Object.entries(releases).map(([name, type]) => ({ name, type })),
});
const rel = (name: string, type: "patch" | "minor", newVersion: string): ComprehensiveRelease => ({
  name,
  type,
  oldVersion: "1.0.0",
  newVersion,
  changesets: [],
});

describe("which affected images a change releases", () => {
  const k8s = img("tooling-k8s", { ownChanges: ["packages/tooling-k8s/Dockerfile"] });
  const aws = img("tooling-k8s-aws");

  it("a parent's changeset covers children that changed only through it", () => {
    const v = judge([k8s, aws], [cs("a", { "tooling-k8s": "minor" })], [rel("tooling-k8s", "minor", "1.1.0"), rel("tooling-k8s-aws", "patch", "1.0.1")]);
    expect(v).toEqual([
      { image: "tooling-k8s", status: "covered", reason: "minor → 1.1.0 (.changeset/a.md)" },
      { image: "tooling-k8s-aws", status: "covered", reason: "patch → 1.0.1 as a dependent of tooling-k8s" },
    ]);
  });

  it("without any changeset each image is missing, and says how it was reached", () => {
    const v = judge([k8s, aws, img("pandoc")], [], []);
    expect(v.map((x) => (x.status === "missing" ? [x.image, x.via.kind] : [x.image, x.status]))).toEqual([
      ["tooling-k8s", "own"],
      ["tooling-k8s-aws", "parent"],
      ["pandoc", "shared"],
    ]);
    const report = renderCheck(v, "origin/main");
    expect(report).toContain("Missing changeset for tooling-k8s, tooling-k8s-aws, pandoc.");
    expect(report).toContain("  - tooling-k8s-aws: a changeset for tooling-k8s covers it");
    expect(report).toContain("  - pandoc: only a shared input changed; if no new image version is needed, `npx changeset --empty` records that instead.");
  });

  it("a version bump in the change (the version PR) or a brand-new image needs no changeset", () => {
    const v = judge([img("pandoc", { version: "1.1.0" }), img("newimage", { baseVersion: undefined, version: "0.1.0" })], [], []);
    expect(v.map((x) => [x.status, x.reason])).toEqual([
      ["covered", "version 1.0.0 → 1.1.0 in this change"],
      ["covered", "new image, first release 0.1.0"],
    ]);
  });

  it("an empty changeset waives what is left; a `none` bump waives that image", () => {
    const v = judge([img("pandoc"), img("buildx")], [cs("empty", {}), cs("n", { buildx: "none" })], []);
    expect(v).toEqual([
      { image: "pandoc", status: "waived", reason: "no release needed, says .changeset/empty.md" },
      { image: "buildx", status: "waived", reason: 'bump "none" in .changeset/n.md' },
    ]);
    expect(renderCheck(v, "main")).toContain("Every changed image has a changeset.");
  });

  it("nothing affected: nothing to say", () => {
    expect(renderCheck(judge([], [], []), "main")).toBe("No image inputs changed since main: no changeset needed.\n");
  });
});
