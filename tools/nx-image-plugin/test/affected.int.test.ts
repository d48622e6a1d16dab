import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { TempWorkspace } from "../src/testing/temp-workspace.ts";

const IMAGES = ["buildx", "pandoc", "tooling-k8s", "tooling-k8s-aws", "tooling-k8s-openstack"];
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
    expect(ws.affected("main")).toEqual(["tooling-k8s", "tooling-k8s-aws", "tooling-k8s-openstack"]);
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

  it("a base digest bump in one image's metadata affects that image and its children", () => {
    const file = "packages/tooling-k8s/image.yaml";
    ws.write(file, ws.read(file).replace(/digest: sha256:[0-9a-f]{64}/, `digest: sha256:${"b".repeat(64)}`));
    ws.commitAll("bump tooling-k8s base");
    expect(ws.affected("main")).toEqual(["tooling-k8s", "tooling-k8s-aws", "tooling-k8s-openstack"]);
  });

  it("a base digest bump in a leaf image affects only it", () => {
    const file = "packages/buildx/image.yaml";
    ws.write(file, ws.read(file).replace(/digest: sha256:[0-9a-f]{64}/, `digest: sha256:${"c".repeat(64)}`));
    ws.commitAll("bump buildx base");
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
