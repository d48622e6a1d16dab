import { describe, expect, it } from "vitest";
import { buildImageGraph, failedAncestor, imageAndAncestors, type ImagePackage } from "../src/index.ts";
import { metadataErrorOf } from "./support/metadata-error.ts";

function image(name: string, parent?: string): ImagePackage {
  return {
    name,
    root: `packages/${name}`,
    version: "1.0.0",
    dependencies: parent ? { [parent]: "1.0.0" } : {},
    metadata: {
      name,
      description: name,
      platforms: ["linux/amd64"],
      dockerfile: "Dockerfile",
      smoke: "smoke.yaml",
      ...(parent ? { parent } : { base: { image: "debian:bookworm-slim", digest: `sha256:${"0".repeat(64)}` } }),
    },
    files: {
      metadata: `packages/${name}/image.yaml`,
      packageJson: `packages/${name}/package.json`,
      dockerfile: `packages/${name}/Dockerfile`,
      smoke: `packages/${name}/smoke.yaml`,
    },
  };
}

describe("buildImageGraph", () => {
  const family = [
    image("tooling-k8s-openstack", "tooling-k8s"),
    image("pandoc"),
    image("tooling-k8s"),
    image("tooling-k8s-aws", "tooling-k8s"),
    image("buildx"),
  ];

  it("orders parents before children", () => {
    const g = buildImageGraph(family);
    expect(g.order).toEqual(["buildx", "pandoc", "tooling-k8s", "tooling-k8s-aws", "tooling-k8s-openstack"]);
    expect(g.children.get("tooling-k8s")).toEqual(["tooling-k8s-aws", "tooling-k8s-openstack"]);
  });

  it("orders a three-level chain whatever the input order", () => {
    const g = buildImageGraph([image("c", "b"), image("b", "a"), image("a")]);
    expect(g.order).toEqual(["a", "b", "c"]);
  });

  it("rejects an unknown parent, listing the known images", () => {
    const e = metadataErrorOf(() => buildImageGraph([image("child", "nope"), image("base")]));
    expect(e.message).toBe('packages/child/image.yaml, image "child", field "parent": names unknown image "nope"\n  → known images: base, child');
  });

  it("rejects a parent that is a project but not an image", () => {
    const e = metadataErrorOf(() => buildImageGraph([image("child", "@image-tooling/pipeline")], new Set(["@image-tooling/pipeline"])));
    expect(e.message).toContain('field "parent": "@image-tooling/pipeline" is a workspace project but not an image (it has no image.yaml)');
  });

  it("requires a child's package.json to depend on its parent", () => {
    const orphan = { ...image("child", "base"), dependencies: {} };
    const e = metadataErrorOf(() => buildImageGraph([orphan, image("base")]));
    expect(e.message).toBe(
      'packages/child/package.json, image "child", field "dependencies.base": is missing: image.yaml declares parent "base"\n  → add "base": "1.0.0" to dependencies so changesets bumps this image when its parent is released',
    );
  });

  it("rejects a cycle and spells it out", () => {
    const e = metadataErrorOf(() => buildImageGraph([image("a", "c"), image("b", "a"), image("c", "b")]));
    expect(e.message).toBe(
      'packages/a/image.yaml, image "a", field "parent": forms a cycle: a → c → b → a\n  → an image must not be its own ancestor; break the cycle by basing one of them on an external image',
    );
  });
});

describe("imageAndAncestors", () => {
  const byName = (...pkgs: ImagePackage[]) => new Map(pkgs.map((p) => [p.name, p]));
  const names = (pkgs: ImagePackage[]) => pkgs.map((p) => p.name);

  it("walks parent links up to the root, nearest first", () => {
    expect(names(imageAndAncestors(byName(image("a"), image("b", "a"), image("c", "b")), "c"))).toEqual(["c", "b", "a"]);
  });

  it("stops at a parent it cannot read, and at one already met on a cycle", () => {
    expect(names(imageAndAncestors(byName(image("c", "b"), image("b", "gone")), "c"))).toEqual(["c", "b"]);
    expect(names(imageAndAncestors(byName(image("a", "b"), image("b", "a")), "a"))).toEqual(["a", "b"]);
    expect(imageAndAncestors(byName(image("a")), "nope")).toEqual([]);
  });
});

describe("failedAncestor", () => {
  const images = new Map([image("a"), image("b", "a"), image("c", "b"), image("d")].map((p) => [p.name, p]));

  it("names the nearest ancestor that failed, so a grandchild is held back too", () => {
    expect(failedAncestor(images, "c", new Set(["a"]))).toBe("a");
    expect(failedAncestor(images, "c", new Set(["a", "b"]))).toBe("b");
  });

  it("holds back neither the failed image itself nor one that does not build on it", () => {
    expect(failedAncestor(images, "a", new Set(["a"]))).toBeUndefined();
    expect(failedAncestor(images, "d", new Set(["a"]))).toBeUndefined();
  });
});
