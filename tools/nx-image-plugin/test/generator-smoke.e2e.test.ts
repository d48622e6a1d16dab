/**
 * A generated image builds and passes its own smoke.yaml on the harness:
 * `nx g @image-tooling/nx-image-plugin:image hello-tools --parent toolbox-base`
 * in a temporary workspace, then `smoke hello-tools` through the pipeline,
 * which builds toolbox-base of the same commit first and the new image on it.
 * The parent is the committed toolbox-base with the substitutions its own e2e
 * test makes (packages/toolbox-base/test/smoke.e2e.test.ts): the harness's
 * Debian bookworm as base, linux/amd64 only (tini -s under this machine's
 * qemu-user 7.2). The new image takes its platforms from its parent.
 * And an image on an external base: `--base` reads the digest from the
 * harness's registry, which holds Debian under Docker Hub's names and serves
 * the engine as its docker.io mirror.
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
    generated = ws.nx(
      "g",
      "@image-tooling/nx-image-plugin:image",
      "hello-tools",
      "--parent",
      "toolbox-base",
      "--description",
      "A toolbox image made by the generator",
    );
    if (generated.status !== 0) throw new Error(`nx g failed:\n${generated.output}`);
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

describe("a generated image on an external base: the digest from the registry, build and smoke on the harness", () => {
  let ws: TempWorkspace;
  let generated: { status: number; output: string };
  let run: PipelineRun;
  let debianDigest: string;
  beforeAll(async () => {
    const env = loadHarnessEnv();
    debianDigest = env.HARNESS_DEBIAN_BASE.split("@")[1]!;
    ws = TempWorkspace.create();
    generated = ws.nx("g", "@image-tooling/nx-image-plugin:image", "rooted", "--base", `${env.HARNESS_REGISTRY}/library/debian:bookworm-slim`);
    if (generated.status !== 0) throw new Error(`nx g failed:\n${generated.output}`);
    // The engine pulls Docker Hub names through the same registry (its mirror): the same digest under the name users write.
    const meta = "packages/rooted/image.yaml";
    ws.write(meta, ws.read(meta).replace(`  image: ${env.HARNESS_REGISTRY}/library/debian:`, "  image: docker.io/library/debian:"));
    ws.commitAll("nx g image rooted");
    run = await runPipeline(ws, ["smoke", "rooted"], {});
  });
  afterAll(() => ws?.dispose());

  it("pins the digest the registry serves for the tag", () => {
    expect(generated.status, generated.output).toBe(0);
    expect(ws.read("packages/rooted/image.yaml")).toContain(`  digest: ${debianDigest}\n`);
  });

  it("passes every check of its generated smoke.yaml on both platforms", () => {
    expect(run.status, run.all).toBe(0);
    const spec = parseSmokeSpec(ws.read("packages/rooted/smoke.yaml"), "packages/rooted/smoke.yaml", "rooted");
    expect(spec.checks.length).toBeGreaterThan(2);
    for (const platform of ["linux/amd64", "linux/arm64"]) for (const check of spec.checks) expect(run.all).toContain(`✔ [${platform}] ${check.name}`);
  });
});
