/**
 * A generated image builds and passes its own smoke.yaml on the harness:
 * `nx g @image-tooling/nx-image-plugin:image hello-tools --parent toolbox-base`
 * in a temporary workspace, then `smoke hello-tools` through the pipeline,
 * which builds toolbox-base of the same commit first and the new image on it.
 * The parent is the committed toolbox-base with the substitutions its own e2e
 * test makes (packages/toolbox-base/test/smoke.e2e.test.ts): the harness's
 * Debian bookworm as base, linux/amd64 only (tini -s under this machine's
 * qemu-user 7.2). The new image takes its platforms from its parent.
 * Fails, never skips, without the harness.
 */
import { parseSmokeSpec } from "@image-tooling/image-metadata";
import { loadHarnessEnv } from "@image-tooling/test-support/harness-env";
import { type PipelineRun, runPipeline } from "@image-tooling/test-support/run-pipeline";
import { TempWorkspace } from "@image-tooling/test-support/temp-workspace";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

describe("a generated image on a fixture parent: build and smoke on the harness (linux/amd64)", () => {
  let ws: TempWorkspace;
  let generated: { status: number; output: string };
  let run: PipelineRun;
  beforeAll(async () => {
    const env = loadHarnessEnv();
    const [image, digest] = env.HARNESS_DEBIAN_BASE.split("@") as [string, string];
    ws = TempWorkspace.create();
    const meta = "packages/toolbox-base/image.yaml";
    ws.write(
      meta,
      ws
        .read(meta)
        .replace(/^( {2}image: ).*$/m, `$1${image}`)
        .replace(/^( {2}digest: ).*$/m, `$1${digest}`)
        .replace(/^platforms: .*$/m, "platforms: [linux/amd64]"),
    );
    ws.commitAll("toolbox-base on the harness base");
    generated = ws.nx("g", "@image-tooling/nx-image-plugin:image", "hello-tools", "--parent", "toolbox-base", "--description", "A toolbox image made by the generator");
    ws.commitAll("nx g image hello-tools");
    run = await runPipeline(ws, ["smoke", "hello-tools"], {});
  });
  afterAll(() => ws?.dispose());

  it("is generated with its parent's platforms", () => {
    expect(generated.status, generated.output).toBe(0);
    expect(ws.read("packages/hello-tools/image.yaml")).toContain("platforms: [linux/amd64]\nparent: toolbox-base\n");
  });

  it("builds on its parent of the same commit and passes every check of its generated smoke.yaml", () => {
    expect(run.status, run.all).toBe(0);
    const spec = parseSmokeSpec(ws.read("packages/hello-tools/smoke.yaml"), "packages/hello-tools/smoke.yaml", "hello-tools");
    expect(spec.checks.map((c) => c.name)).toContain("every tool, the parent's included, reports its pinned version");
    for (const check of spec.checks) expect(run.all).toContain(`✔ [linux/amd64] ${check.name}`);
  });
});
