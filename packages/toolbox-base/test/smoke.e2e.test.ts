/**
 * toolbox-base through the real pipeline: `smoke toolbox-base` builds the
 * committed package on the air-gapped harness and runs its smoke.yaml. Two
 * substitutions, both in the test's copy of image.yaml:
 * - the base is the harness's Debian bookworm: the mirror here holds no
 *   trixie (the package pins trixie-slim);
 * - linux/amd64 only: under this machine's arm64 emulation (Debian 12's
 *   qemu-user 7.2) the entrypoint's `tini -s` stops with "PR_SET_CHILD_SUBREAPER
 *   is unavailable on this platform", so every arm64 check that runs through
 *   the entrypoint fails here, for this image as for every toolbox image.
 * toolbox-base downloads nothing, so nothing else differs from a real build.
 * Fails, never skips, without the harness.
 */
import { parseSmokeSpec } from "@image-tooling/image-metadata";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadHarnessEnv } from "@image-tooling/test-support/harness-env";
import { runPipeline, type PipelineRun } from "@image-tooling/test-support/run-pipeline";
import { TempWorkspace } from "@image-tooling/test-support/temp-workspace";

describe("toolbox-base: build and smoke through the pipeline (harness base: Debian bookworm; linux/amd64 only: tini -s fails under qemu-user 7.2)", () => {
  let ws: TempWorkspace;
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
    run = await runPipeline(ws, ["smoke", "toolbox-base"], {});
  });
  afterAll(() => ws?.dispose());

  it("passes every check of its smoke.yaml", () => {
    expect(run.status, run.all).toBe(0);
    const spec = parseSmokeSpec(ws.read("packages/toolbox-base/smoke.yaml"), "packages/toolbox-base/smoke.yaml", "toolbox-base");
    expect(spec.checks.length).toBeGreaterThan(5);
    for (const check of spec.checks) expect(run.all).toContain(`✔ [linux/amd64] ${check.name}`);
  });
});
