/**
 * toolbox-base through the real pipeline: `smoke toolbox-base` builds the
 * committed package for linux/amd64 and linux/arm64 (emulated) on the
 * air-gapped harness and runs its smoke.yaml on each. One substitution: the
 * base is the harness's Debian bookworm, because the mirror here holds no
 * trixie (the package pins trixie-slim). toolbox-base downloads nothing, so
 * nothing else differs from a real build. Fails, never skips, without the
 * harness.
 */
import { parseSmokeSpec } from "@image-tooling/image-metadata";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadHarnessEnv } from "@image-tooling/airgap-engine/testing";
import { runPipeline, type PipelineRun } from "../../../libs/pipeline/src/testing/run-pipeline.ts";
import { TempWorkspace } from "../../../tools/nx-image-plugin/src/testing/temp-workspace.ts";

describe("toolbox-base: build and smoke through the pipeline (harness base: Debian bookworm)", () => {
  let ws: TempWorkspace;
  let run: PipelineRun;
  beforeAll(async () => {
    const env = loadHarnessEnv();
    const [image, digest] = env.HARNESS_DEBIAN_BASE.split("@") as [string, string];
    ws = TempWorkspace.create();
    const meta = "packages/toolbox-base/image.yaml";
    ws.write(meta, ws.read(meta).replace(/^( {2}image: ).*$/m, `$1${image}`).replace(/^( {2}digest: ).*$/m, `$1${digest}`));
    ws.commitAll("toolbox-base on the harness base");
    run = await runPipeline(ws, ["smoke", "toolbox-base"], {});
  });
  afterAll(() => ws?.dispose());

  it("passes every check of its smoke.yaml on both platforms", () => {
    expect(run.status, run.all).toBe(0);
    const spec = parseSmokeSpec(ws.read("packages/toolbox-base/smoke.yaml"), "packages/toolbox-base/smoke.yaml", "toolbox-base");
    expect(spec.checks.length).toBeGreaterThan(5);
    for (const platform of ["linux/amd64", "linux/arm64"]) {
      for (const check of spec.checks) expect(run.all).toContain(`✔ [${platform}] ${check.name}`);
    }
  });
});
