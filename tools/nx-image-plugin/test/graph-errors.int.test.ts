import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { findImagePackageRoots, readImagePackage } from "@image-tooling/image-metadata";
import { TempWorkspace } from "@image-tooling/test-support/temp-workspace";
import { INSTALL_ROOT } from "@image-tooling/cli-support";

// Each bad-metadata case, as a user meets it: `nx show projects` in a real
// workspace fails and prints one message naming the file, image and field.
describe("graph errors reported through nx", () => {
  let ws: TempWorkspace;
  beforeAll(() => {
    ws = TempWorkspace.create();
  });
  afterAll(() => ws?.dispose());
  beforeEach((ctx) => ws.branchFromMain(`case-${ctx.task.id}`));

  const expectFailure = (...fragments: string[]) => {
    const r = ws.nx("show", "projects");
    expect(r.status).not.toBe(0);
    for (const f of fragments) expect(r.output).toContain(f);
  };
  const edit = (file: string, from: RegExp | string, to: string) => ws.write(file, ws.read(file).replace(from, to));

  it("the unchanged workspace lists every image package", () => {
    const images = findImagePackageRoots(INSTALL_ROOT).map((root) => readImagePackage(INSTALL_ROOT, root).name);
    expect(images).toContain("toolbox-base");
    const r = ws.nx("show", "projects", "--json");
    expect(r.status).toBe(0);
    expect(JSON.parse(r.output.slice(r.output.indexOf("[")))).toEqual(expect.arrayContaining(images));
  });

  it("unknown parent", () => {
    edit("packages/tooling-k8s-aws/image.yaml", "parent: tooling-k8s", "parent: tooling-k9s");
    expectFailure('packages/tooling-k8s-aws/image.yaml, image "tooling-k8s-aws", field "parent": names unknown image "tooling-k9s"');
  });

  it("a cycle", () => {
    edit("packages/tooling-k8s/image.yaml", "parent: toolbox-base", "parent: tooling-k8s-aws");
    edit("packages/tooling-k8s/package.json", /"toolbox-base": "[^"]+"/, '"tooling-k8s-aws": "1.0.0"');
    expectFailure('field "parent": forms a cycle: tooling-k8s → tooling-k8s-aws → tooling-k8s');
  });

  it("a parent that is not an image", () => {
    edit("packages/pandoc/image.yaml", "parent: toolbox-base", 'parent: "@image-tooling/pipeline"');
    expectFailure('packages/pandoc/image.yaml, image "pandoc", field "parent"');
  });

  it("a Dockerfile whose FROM does not take the declared base", () => {
    edit("packages/buildx/Dockerfile", "FROM ${BASE_IMAGE}", "FROM debian:bookworm-slim");
    expectFailure('packages/buildx/Dockerfile, image "buildx", field "FROM"', "does not take the declared base");
  });

  it("an invalid platform", () => {
    edit("packages/pandoc/image.yaml", "linux/arm64", "linux/riscv64");
    expectFailure('packages/pandoc/image.yaml, image "pandoc", field "platforms[1]": must be one of linux/amd64, linux/arm64');
  });

  it("a package.json that is not valid JSON", () => {
    edit("packages/pandoc/package.json", '"private": true,', '"private": true,,');
    expectFailure(
      'packages/pandoc/package.json, image "pandoc": is not valid JSON: line 4, column 19: Expected double-quoted property name',
      // Nx indents each plugin's message; the hint is its second line.
      "→ fix the JSON at line 4, column 19 of packages/pandoc/package.json (usually a comma too many or missing, or an unquoted name; JSON allows no comments)",
    );
  });

  it("a base without a digest", () => {
    edit("packages/toolbox-base/image.yaml", /\n {2}digest: .*/, "");
    expectFailure('packages/toolbox-base/image.yaml, image "toolbox-base", field "base.digest": is required: pin the base by digest');
  });
});
