import { describe, expect, it } from "vitest";
import { parseImagePackage, type ImagePackageSources } from "../src/index.ts";
import { metadataErrorOf } from "./support/metadata-error.ts";

const DIGEST = `sha256:${"a".repeat(64)}`;
const GOOD_DOCKERFILE = "ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nRUN true\n";

function sources(over: { yaml?: string; pkg?: object | string; files?: Record<string, string> } = {}): ImagePackageSources {
  const files: Record<string, string> = { Dockerfile: GOOD_DOCKERFILE, "smoke.yaml": "checks: []\n", ...over.files };
  return {
    root: "packages/demo",
    metadataText:
      over.yaml ??
      `name: demo\ndescription: a demo image\nplatforms: [linux/amd64, linux/arm64]\nbase:\n  image: docker.io/library/debian:bookworm-slim\n  digest: ${DIGEST}\n`,
    packageJsonText: typeof over.pkg === "string" ? over.pkg : JSON.stringify(over.pkg ?? { name: "demo", version: "1.2.3", license: "MIT" }),
    readFile: (rel) => files[rel] ?? null,
  };
}

describe("parseImagePackage", () => {
  it("accepts a valid external-base image and fills defaults", () => {
    const pkg = parseImagePackage(sources());
    expect(pkg).toMatchObject({
      name: "demo",
      version: "1.2.3",
      license: "MIT",
      metadata: { platforms: ["linux/amd64", "linux/arm64"], dockerfile: "Dockerfile", smoke: "smoke.yaml", base: { digest: DIGEST } },
      files: { metadata: "packages/demo/image.yaml", dockerfile: "packages/demo/Dockerfile", smoke: "packages/demo/smoke.yaml" },
    });
  });

  it("accepts a child image whose package.json depends on its parent", () => {
    const pkg = parseImagePackage(
      sources({
        yaml: "name: demo\ndescription: child\nplatforms: [linux/amd64]\nparent: base-img\n",
        pkg: { name: "demo", version: "0.1.0", dependencies: { "base-img": "1.0.0" } },
      }),
    );
    expect(pkg.metadata.parent).toBe("base-img");
    expect(pkg.dependencies).toEqual({ "base-img": "1.0.0" });
    expect(pkg.metadata.base).toBeUndefined();
  });

  it("rejects an invalid platform, naming file, image and field", () => {
    const e = metadataErrorOf(() =>
      parseImagePackage(
        sources({ yaml: `name: demo\ndescription: d\nplatforms: [linux/amd64, linux/s390x]\nbase:\n  image: debian:bookworm\n  digest: ${DIGEST}\n` }),
      ),
    );
    expect(e.message).toBe('packages/demo/image.yaml, image "demo", field "platforms[1]": must be one of linux/amd64, linux/arm64');
  });

  it("reads a compressed-size budget in SI units as bytes, and names the field when it is not a size", () => {
    const yaml = (size: string) =>
      `name: demo\ndescription: d\nplatforms: [linux/amd64]\nbase:\n  image: debian:bookworm-slim\n  digest: ${DIGEST}\nbudget:\n  compressedSize: ${size}\n`;
    expect(parseImagePackage(sources({ yaml: yaml("300MB") })).metadata.budget).toEqual({ compressedSize: 300_000_000 });
    expect(parseImagePackage(sources({ yaml: yaml("1.5GB") })).metadata.budget).toEqual({ compressedSize: 1_500_000_000 });
    expect(parseImagePackage(sources()).metadata.budget).toBeUndefined();
    const e = metadataErrorOf(() => parseImagePackage(sources({ yaml: yaml("300 megs") })));
    expect(e.message).toBe('packages/demo/image.yaml, image "demo", field "budget.compressedSize": must be a size with an SI unit, e.g. 300MB, 1.2GB or 800kB');
  });

  it("rejects a base without a digest", () => {
    const e = metadataErrorOf(() =>
      parseImagePackage(sources({ yaml: "name: demo\ndescription: d\nplatforms: [linux/amd64]\nbase:\n  image: debian:bookworm-slim\n" })),
    );
    expect(e.message).toBe('packages/demo/image.yaml, image "demo", field "base.digest": is required: pin the base by digest (sha256:<64 hex>)');
  });

  it("rejects a malformed digest and a digest hidden in the image reference", () => {
    const bad = metadataErrorOf(() =>
      parseImagePackage(
        sources({ yaml: "name: demo\ndescription: d\nplatforms: [linux/amd64]\nbase:\n  image: debian:bookworm-slim\n  digest: sha256:abc\n" }),
      ),
    );
    expect(bad.message).toContain('field "base.digest": must be a sha256 digest');
    const inRef = metadataErrorOf(() =>
      parseImagePackage(sources({ yaml: `name: demo\ndescription: d\nplatforms: [linux/amd64]\nbase:\n  image: debian@${DIGEST}\n  digest: ${DIGEST}\n` })),
    );
    expect(inRef.problems[0]).toMatchObject({ field: "base.image" });
  });

  it("rejects both base and parent, and neither", () => {
    const both = metadataErrorOf(() =>
      parseImagePackage(
        sources({ yaml: `name: demo\ndescription: d\nplatforms: [linux/amd64]\nparent: p\nbase:\n  image: debian:bookworm\n  digest: ${DIGEST}\n` }),
      ),
    );
    expect(both.problems[0]).toMatchObject({ field: "parent", message: expect.stringContaining("not both") });
    const neither = metadataErrorOf(() => parseImagePackage(sources({ yaml: "name: demo\ndescription: d\nplatforms: [linux/amd64]\n" })));
    expect(neither.problems[0]).toMatchObject({ field: "base", message: expect.stringContaining("is required unless parent is set") });
  });

  it("rejects unknown fields and invalid YAML", () => {
    const unknown = metadataErrorOf(() =>
      parseImagePackage(
        sources({ yaml: `name: demo\ndescription: d\nplatforms: [linux/amd64]\nbase:\n  image: debian:x\n  digest: ${DIGEST}\nplatfroms: []\n` }),
      ),
    );
    expect(unknown.message).toContain('field "platfroms": is not a known field');
    const yaml = metadataErrorOf(() => parseImagePackage(sources({ yaml: "name: demo\ndescription: a: b\n" })));
    expect(yaml.message).toMatch(/^packages\/demo\/image\.yaml: is not valid YAML \(line 2\)/);
  });

  it("rejects a Dockerfile whose FROM does not take the declared base", () => {
    const e = metadataErrorOf(() => parseImagePackage(sources({ files: { Dockerfile: "ARG BASE_IMAGE\nFROM debian:bookworm\nRUN true\n" } })));
    expect(e.problems).toHaveLength(1);
    expect(e.message).toContain('packages/demo/Dockerfile, image "demo", field "FROM": line 2: "FROM debian:bookworm" does not take the declared base');
    expect(e.message).toContain(`(image.yaml declares base docker.io/library/debian:bookworm-slim@${DIGEST})`);
  });

  it("checks the BASE_IMAGE argument itself", () => {
    const missing = metadataErrorOf(() => parseImagePackage(sources({ files: { Dockerfile: "FROM ${BASE_IMAGE}\n" } })));
    expect(missing.message).toContain('must declare "ARG BASE_IMAGE" before its first FROM');
    const defaulted = metadataErrorOf(() => parseImagePackage(sources({ files: { Dockerfile: "ARG BASE_IMAGE=debian:latest\nFROM ${BASE_IMAGE}\n" } })));
    expect(defaulted.message).toContain("must have no default value");
  });

  it("accepts multi-stage builds whose stages all descend from the base", () => {
    const dockerfile = "ARG BASE_IMAGE\nFROM ${BASE_IMAGE} AS fetch\nRUN true\nFROM $BASE_IMAGE AS final\nCOPY --from=fetch /x /x\nFROM final\n";
    expect(parseImagePackage(sources({ files: { Dockerfile: dockerfile } })).name).toBe("demo");
  });

  it("requires package.json to agree with image.yaml", () => {
    const e = metadataErrorOf(() =>
      parseImagePackage(sources({ yaml: "name: demo\ndescription: d\nplatforms: [linux/amd64]\nparent: base-img\n", pkg: { name: "other", version: "one" } })),
    );
    expect(e.problems.map((p) => [p.file, p.field])).toEqual([
      ["packages/demo/package.json", "name"],
      ["packages/demo/package.json", "version"],
    ]);
  });

  it("a package.json that is not JSON: names the file, the image, line and column, and what to fix", () => {
    const broken = '{\n  "name": "demo",\n  "version": "1.2.3",,\n  "license": "MIT"\n}\n';
    const e = metadataErrorOf(() => parseImagePackage(sources({ pkg: broken })));
    expect(e.message).toBe(
      'packages/demo/package.json, image "demo": is not valid JSON: line 3, column 22: Expected double-quoted property name\n  → fix the JSON at line 3, column 22 of packages/demo/package.json (usually a comma too many or missing, or an unquoted name; JSON allows no comments)',
    );
    const cut = metadataErrorOf(() => parseImagePackage(sources({ pkg: '{\n  "name": "demo"\n' })));
    expect(cut.message).toContain(`packages/demo/package.json, image "demo": is not valid JSON: line 3, column 1: Expected ',' or '}' after property value`);
  });

  it("requires a plain semver version: the tag is exactly the package version", () => {
    for (const version of ["v1.2.3", " 1.2.3", "1.2.3 ", "=1.2.3", "1.2"]) {
      const e = metadataErrorOf(() => parseImagePackage(sources({ pkg: { name: "demo", version } })));
      expect(e.message).toBe(
        `packages/demo/package.json, image "demo", field "version": is ${JSON.stringify(version)}, not a plain semver version\n  → the package version is the image version: use X.Y.Z (no v prefix, no spaces; changesets maintains it)`,
      );
    }
    expect(parseImagePackage(sources({ pkg: { name: "demo", version: "2.0.0-rc.1" } })).version).toBe("2.0.0-rc.1");
  });

  it("refuses an image whose folder is not named after it", () => {
    const e = metadataErrorOf(() => parseImagePackage({ ...sources(), root: "packages/demo-old" }));
    expect(e.message).toBe(
      'packages/demo-old/image.yaml, image "demo", field "name": is "demo" but the package folder is packages/demo-old\n  → rename the folder to packages/demo (or the image to "demo-old"): tools find an image\'s files by its name',
    );
  });

  it("reports missing Dockerfile and smoke spec", () => {
    const e = metadataErrorOf(() => parseImagePackage({ ...sources(), readFile: () => null }));
    expect(e.problems.map((p) => p.field)).toEqual(["dockerfile", "smoke"]);
    expect(e.problems[0]!.message).toBe("points at packages/demo/Dockerfile, which does not exist");
  });
});
