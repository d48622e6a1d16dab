import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { chainInputsDigest } from "@image-tooling/pipeline/build-chain";
import { affectedImages } from "@image-tooling/pipeline/affected";
import { loadWorkspace } from "@image-tooling/pipeline/workspace";
import { TempWorkspace } from "@image-tooling/test-support/temp-workspace";
import { familyOf as family, WORKSPACE_IMAGES as IMAGES } from "@image-tooling/test-support/workspace-images";

// The image graph as committed: the expectations follow the packages instead of a list of names.
const onlyImages = (projects: string[]) => projects.filter((p) => IMAGES.includes(p));

/**
 * The one definition of an image's inputs (image-metadata's inputs.ts), seen
 * from every side at once after a committed change: what `nx affected -t
 * publish|smoke` runs (build has publish's inputs: targets.test.ts), what `plan --affected` and the changeset check
 * use (affectedImages), and which images' inputs digests moved.
 */
interface Seen {
  publish: string[];
  smoke: string[];
  /** affectedImages(): plan --affected and check:changesets. */
  planned: string[];
  /** Images whose inputs digest label would differ. */
  digestChanged: string[];
}

// Real git history, real nx with the real plugin: each case branches off the
// initial commit, commits one change and asks.
describe("what a change affects, by kind of change", () => {
  let ws: TempWorkspace;
  let digestsOnMain: Map<string, string>;
  const digests = (): Map<string, string> => {
    const w = loadWorkspace(ws.root);
    return new Map(w.graph.order.map((n) => [n, chainInputsDigest(w, w.graph.images.get(n)!)]));
  };
  const seen = (): Seen => {
    const now = digests();
    return {
      publish: ws.affected("main", "HEAD", "publish"),
      smoke: ws.affected("main", "HEAD", "smoke"),
      // The environment ws.affected runs nx in, so both answers come from the same nx setup.
      planned: affectedImages(ws.root, { base: "main", head: "HEAD" }, process.env),
      digestChanged: [...now]
        .filter(([n, d]) => digestsOnMain.get(n) !== d)
        .map(([n]) => n)
        .sort(),
    };
  };
  const all = (images: string[], smoke = images): Seen => ({ publish: images, smoke, planned: images, digestChanged: images });

  beforeAll(() => {
    ws = TempWorkspace.create();
    digestsOnMain = digests();
  });
  afterAll(() => ws?.dispose());
  beforeEach((ctx) => ws.branchFromMain(`case-${ctx.task.id}`));

  it("doc-only: README.md and CHANGELOG.md of an image affect nothing", () => {
    ws.append("packages/tooling-k8s/README.md", "\nmore words\n");
    ws.append("packages/pandoc/CHANGELOG.md", "\nan old entry, reworded\n");
    ws.commitAll("docs");
    expect(seen()).toEqual(all([]));
  });

  it("doc-only: a file .dockerignore leaves out (a new test fixture) affects nothing", () => {
    ws.write("packages/buildx/test/notes.txt", "not in the build context\n");
    ws.commitAll("test notes");
    expect(seen()).toEqual(all([]));
  });

  it("smoke.yaml only: re-runs that image's smoke; builds, publishes and releases nothing", () => {
    ws.append("packages/tooling-k8s/smoke.yaml", "\n# a comment\n");
    ws.commitAll("smoke spec");
    expect(seen()).toEqual({ publish: [], smoke: ["tooling-k8s"], planned: [], digestChanged: [] });
  });

  it("Dockerfile of a leaf image: that image only", () => {
    ws.append("packages/pandoc/Dockerfile", "RUN echo changed\n");
    ws.commitAll("change pandoc");
    expect(seen()).toEqual(all(["pandoc"]));
  });

  it("a parent's Dockerfile reaches its children", () => {
    ws.append("packages/tooling-k8s/Dockerfile", "RUN echo changed\n");
    ws.commitAll("change tooling-k8s");
    expect(seen()).toEqual(all(family("tooling-k8s")));
  });

  it("a file the parent's Dockerfile copies (in its context) reaches its children", () => {
    ws.write("packages/tooling-k8s/rootfs/etc/new-file", "x\n");
    ws.commitAll("new context file");
    expect(seen()).toEqual(all(family("tooling-k8s")));
  });

  it("image.yaml base digest of toolbox-base, the family's one Debian pin: every image built on it, all three levels", () => {
    const file = "packages/toolbox-base/image.yaml";
    ws.write(file, ws.read(file).replace(/digest: sha256:[0-9a-f]{64}/, `digest: sha256:${"b".repeat(64)}`));
    ws.commitAll("bump the Debian base");
    expect(family("toolbox-base")).toEqual(expect.arrayContaining(["toolbox-base", "tooling-k8s", "tooling-k8s-aws", "buildx", "pandoc"]));
    expect(seen()).toEqual(all(family("toolbox-base")));
  });

  it("toolbox-base's scripts reach its children and their children", () => {
    ws.append("packages/toolbox-base/rootfs/usr/local/bin/entrypoint", "# changed\n");
    ws.commitAll("change the entrypoint");
    expect(seen()).toEqual(all(family("toolbox-base")));
  });

  it("image.yaml of a leaf image (its platforms): only it", () => {
    const file = "packages/buildx/image.yaml";
    ws.write(file, ws.read(file).replace(/^platforms: .*$/m, "platforms: [linux/amd64]"));
    ws.commitAll("change buildx platforms");
    expect(seen()).toEqual(all(["buildx"]));
  });

  it("the pipeline lib's source reaches every image (not their inputs digests: see inputs.ts)", () => {
    ws.append("libs/pipeline/src/index.ts", "\n// changed\n");
    ws.commitAll("change pipeline");
    expect(seen()).toEqual({ ...all(IMAGES), digestChanged: [] });
  });

  it("the metadata lib's source reaches every image through the pipeline", () => {
    ws.append("libs/image-metadata/src/index.ts", "\n// changed\n");
    ws.commitAll("change metadata lib");
    expect(seen()).toEqual({ ...all(IMAGES), digestChanged: [] });
  });

  it("the registry client's source reaches every image through the pipeline (it pushes and signs them)", () => {
    ws.append("libs/oci-registry/src/client.ts", "\n// changed\n");
    ws.commitAll("change registry client");
    expect(seen()).toEqual({ ...all(IMAGES), digestChanged: [] });
  });

  // It used to reach every image only because the pipeline's test helpers
  // imported the plugin's; Nx does not count a plugin's files as inputs of the
  // projects it infers.
  it("the Nx plugin's source and the compiler that bundles the pipeline affect no image", () => {
    ws.append("tools/nx-image-plugin/src/targets.ts", "\n// changed\n");
    ws.append("tools/compile/src/compile.ts", "\n// changed\n");
    ws.commitAll("change plugin and compiler");
    expect(seen()).toEqual(all([]));
  });

  it("release tooling affects no image", () => {
    ws.append("tools/release/src/git.ts", "\n// changed\n");
    ws.commitAll("change release tooling");
    expect(ws.affected("main", "HEAD", "publish")).toEqual([]);
  });

  it("the pipeline lib's README and tests affect no image", () => {
    ws.append("libs/pipeline/README.md", "\nmore words\n");
    ws.write("libs/pipeline/test/new.test.ts", "export {};\n");
    ws.commitAll("pipeline docs and tests");
    expect(seen()).toEqual(all([]));
  });

  it("the shared test helpers (test-support), which image packages' tests import, affect no image", () => {
    ws.append("tools/test-support/src/run-pipeline.ts", "\n// changed\n");
    ws.append("tools/test-support/src/temp-workspace.ts", "\n// changed\n");
    ws.commitAll("test helpers");
    expect(seen()).toEqual(all([]));
  });

  it("the harness affects no image", () => {
    ws.append("tools/airgap-engine/src/provision.ts", "\n// changed\n");
    ws.commitAll("change the harness");
    expect(seen()).toEqual(all([]));
  });

  it("a lint rule re-runs every image's lint and affects no build, smoke or publish", () => {
    ws.append("libs/image-lint/src/rules/dockerfile-rules.ts", "\n// changed\n");
    ws.commitAll("change a lint rule");
    expect(seen()).toEqual(all([]));
    expect(onlyImages(ws.affected("main", "HEAD", "lint"))).toEqual(IMAGES);
  });

  it("the root README affects no project at all", () => {
    ws.append("README.md", "\nmore words\n");
    ws.commitAll("docs");
    expect(ws.affected("main")).toEqual([]);
  });

  it("without a target, nx still lists projects owning a changed file (why the targets above are what CI runs)", () => {
    ws.append("packages/pandoc/README.md", "\nmore words\n");
    ws.commitAll("docs");
    expect(onlyImages(ws.affected("main"))).toEqual(["pandoc"]);
  });
});
