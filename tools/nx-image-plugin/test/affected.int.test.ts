import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buildImageGraph, findImagePackageRoots, readImagePackage, withDescendants } from "@image-tooling/image-metadata";
import { REPO_ROOT, TempWorkspace } from "../src/testing/temp-workspace.ts";

// The image graph as committed: the expectations follow the packages instead of a list of names.
const GRAPH = buildImageGraph(findImagePackageRoots(REPO_ROOT).map((root) => readImagePackage(REPO_ROOT, root)));
const IMAGES = [...GRAPH.images.keys()].sort();
const family = (image: string) => withDescendants(GRAPH, image).sort();
const onlyImages = (projects: string[]) => projects.filter((p) => IMAGES.includes(p));

// Real git history, real nx: each case branches off the initial commit,
// commits one change and asks nx what it affects.
describe("nx affected on the image graph", () => {
  let ws: TempWorkspace;
  beforeAll(() => {
    ws = TempWorkspace.create();
  });
  afterAll(() => ws?.dispose());
  beforeEach((ctx) => ws.branchFromMain(`case-${ctx.task.id}`));

  it("a change to tooling-k8s's Dockerfile affects exactly tooling-k8s and its two children", () => {
    ws.append("packages/tooling-k8s/Dockerfile", "RUN echo changed\n");
    ws.commitAll("change tooling-k8s");
    expect(family("tooling-k8s")).toEqual(["tooling-k8s", "tooling-k8s-aws", "tooling-k8s-openstack"]);
    expect(ws.affected("main")).toEqual(family("tooling-k8s"));
  });

  it("a change to toolbox-base's scripts reaches all three levels: its children and their children", () => {
    ws.append("packages/toolbox-base/rootfs/usr/local/bin/entrypoint", "# changed\n");
    ws.commitAll("change the entrypoint");
    expect(family("toolbox-base")).toEqual(expect.arrayContaining(["toolbox-base", "tooling-k8s", "tooling-k8s-aws", "buildx", "pandoc"]));
    expect(ws.affected("main")).toEqual(family("toolbox-base"));
  });

  it("a change to pandoc affects only pandoc", () => {
    ws.append("packages/pandoc/Dockerfile", "RUN echo changed\n");
    ws.commitAll("change pandoc");
    expect(ws.affected("main")).toEqual(["pandoc"]);
  });

  it("a change to the root README affects no project", () => {
    ws.append("README.md", "\nmore words\n");
    ws.commitAll("docs");
    expect(ws.affected("main")).toEqual([]);
  });

  it("a base digest bump in toolbox-base, the family's one Debian pin, affects every image built on it", () => {
    const file = "packages/toolbox-base/image.yaml";
    ws.write(file, ws.read(file).replace(/digest: sha256:[0-9a-f]{64}/, `digest: sha256:${"b".repeat(64)}`));
    ws.commitAll("bump the Debian base");
    expect(ws.affected("main")).toEqual(family("toolbox-base"));
  });

  it("a metadata change in a leaf image affects only it", () => {
    const file = "packages/buildx/image.yaml";
    ws.write(file, ws.read(file).replace(/^description: .*$/m, 'description: "changed"'));
    ws.commitAll("change buildx metadata");
    expect(ws.affected("main")).toEqual(["buildx"]);
  });

  it("a change in the shared pipeline lib affects every image", () => {
    ws.append("libs/pipeline/src/index.ts", "\n// changed\n");
    ws.commitAll("change pipeline");
    const affected = ws.affected("main");
    expect(onlyImages(affected)).toEqual(IMAGES);
    expect(affected).toContain("@image-tooling/pipeline");
  });

  it("a change in the metadata lib reaches every image through the pipeline", () => {
    ws.append("libs/image-metadata/src/index.ts", "\n// changed\n");
    ws.commitAll("change metadata lib");
    expect(onlyImages(ws.affected("main"))).toEqual(IMAGES);
  });
});
