import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSmokeSpec } from "@image-tooling/image-metadata";
import { loadHarnessEnv } from "@image-tooling/test-support/harness-env";
import type { TempWorkspace } from "@image-tooling/test-support/temp-workspace";
import { fixtureWorkspace } from "@image-tooling/test-support/fixture-workspace";
import { runPipeline, type PipelineRun } from "@image-tooling/test-support/run-pipeline";

/**
 * `nx run <image>:load` on the harness: the engine runs in its own container
 * network (and, in the second case, is reached as a remote engine over tcp),
 * so the only way the image can reach the harness's Docker daemon is the one
 * load uses: an OCI tarball written through this client, then `docker load`.
 * What the image then prints under `docker run` is checked against its own
 * smoke spec.
 */
const harness = loadHarnessEnv();
const baseDigest = harness.HARNESS_DEBIAN_BASE.split("@")[1]!;
const ns = `e2e-load-${randomBytes(4).toString("hex")}`;

const docker = (...args: string[]) => {
  const r = spawnSync("docker", args, { encoding: "utf8" });
  return { status: r.status ?? 1, stdout: r.stdout ?? "", all: `${r.stdout ?? ""}${r.stderr ?? ""}` };
};

function nx(ws: TempWorkspace, args: string[]) {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [join(ws.root, "node_modules/nx/dist/bin/nx.js"), ...args], {
    cwd: ws.root,
    env: { ...process.env, NX_DAEMON: "false", NX_TUI: "false", NX_SKIP_NX_CACHE: "true", FORCE_COLOR: "0", NO_COLOR: "1" },
    encoding: "utf8",
  });
  return { status: r.status ?? 1, output: `${r.stdout}${r.stderr}`, ms: Date.now() - t0 };
}

/** Each `run` check of the image's smoke spec with an expected stdout that applies to `platform` and the image's own user, run with `docker run`. */
function smokeRunsUnderDocker(ws: TempWorkspace, image: string, ref: string, platform: string) {
  const file = `packages/${image}/smoke.yaml`;
  const checks = parseSmokeSpec(ws.read(file), file, image).checks.map((c) => c as unknown as Record<string, unknown>);
  return checks
    .filter((c) => Array.isArray(c.run) && typeof c.stdout === "string" && !c.user && !c.readOnlyRootfs)
    .filter((c) => !Array.isArray(c.platforms) || c.platforms.includes(platform))
    .map((c) => ({ check: String(c.name), expected: String(c.stdout), ...docker("run", "--rm", "--platform", platform, ref, ...(c.run as string[])) }));
}

describe("load: the built image in the local Docker, on an engine in its own network", () => {
  let ws: TempWorkspace;
  let viaNx: ReturnType<typeof nx>;
  let amd64Runs: ReturnType<typeof smokeRunsUnderDocker>;
  let amd64Arch = "";
  let remoteArm: PipelineRun;
  let remoteMs = 0;
  const tags = [`${ns}/fixture-child:dev`, `${ns}/fixture-child:1.0.0-dev`];

  beforeAll(async () => {
    // The case this test exists for: the engine is not on the host's network (so not on the daemon's either).
    expect(harness.HARNESS_ENGINE_TOPOLOGY).toBe("bridge");
    ws = fixtureWorkspace(baseDigest);
    // Only the namespace matters to load; the registry is never contacted.
    ws.write("image-tooling.yaml", `registry: registry.invalid\nnamespace: ${ns}\n`);
    ws.commitAll("configure a namespace");
    viaNx = nx(ws, ["run", "fixture-child:load"]);
    // Before the arm64 load below moves the same tags.
    amd64Arch = docker("image", "inspect", "--format", "{{.Architecture}}", tags[0]!).stdout.trim();
    amd64Runs = smokeRunsUnderDocker(ws, "fixture-child", tags[0]!, "linux/amd64");
    const amd64Result = JSON.parse(ws.read("dist/images/fixture-child/result.json"));
    console.log(`tarball of fixture-child linux/amd64: ${amd64Result.loaded?.tarballBytes} bytes`);
    const t0 = Date.now();
    remoteArm = await runPipeline(ws, ["load", "fixture-child", "--platform", "linux/arm64"], { _EXPERIMENTAL_DAGGER_RUNNER_HOST: harness.HARNESS_ENGINE_TCP });
    remoteMs = Date.now() - t0;
    console.log(
      `load via nx (amd64, parent chain, bridge engine): ${(viaNx.ms / 1000).toFixed(1)} s; load arm64 through the remote tcp engine: ${(remoteMs / 1000).toFixed(1)} s`,
    );
  });
  afterAll(() => {
    docker("rmi", "-f", ...tags);
    ws?.dispose();
  });

  it("nx run fixture-child:load builds the parent chain for the daemon's platform and loads it as <namespace>/<image>:dev and :X.Y.Z-dev", () => {
    expect(viaNx.status, viaNx.output).toBe(0);
    expect(viaNx.output).toContain("▶ fixture-base 1.0.0: build linux/amd64 ");
    expect(viaNx.output).toContain("▶ fixture-child 1.0.0: build linux/amd64 ");
    expect(viaNx.output).not.toContain("linux/arm64");
    expect(viaNx.output).toContain(`✔ fixture-child 1.0.0 (linux/amd64) is in your Docker as ${tags[0]} and ${tags[1]}`);
    // No kubectl in the fixture's locks: no kubeconfig mount in the hint.
    expect(viaNx.output).toContain(`try it: docker run -it --rm -v "$PWD":/work -w /work ${tags[0]}`);
  });

  it("the image is in the harness's Docker daemon and `docker run` prints what its smoke spec expects", () => {
    expect(amd64Arch).toBe("amd64");
    expect(amd64Runs.map((r) => r.check)).toEqual(["child tool sees the parent's files", "parent's tool is inherited"]);
    for (const r of amd64Runs) {
      expect(r.status, r.all).toBe(0);
      expect(r.stdout.trim()).toMatch(new RegExp(r.expected));
    }
  });

  it("--platform through a remote engine (tcp): the arm64 image arrives the same way and runs its smoke checks (under emulation)", () => {
    expect(remoteArm.status, remoteArm.all).toBe(0);
    expect(remoteArm.all).toContain("▶ fixture-child: export linux/arm64 as an OCI tarball to this machine");
    const result = JSON.parse(ws.read("dist/images/fixture-child/result.json"));
    expect(result).toMatchObject({ image: "fixture-child", command: "load", status: "loaded", loaded: { platform: "linux/arm64", tags } });
    for (const tag of tags) expect(docker("image", "inspect", "--format", "{{.Architecture}}", tag).stdout.trim()).toBe("arm64");
    const runs = smokeRunsUnderDocker(ws, "fixture-child", tags[0]!, "linux/arm64");
    expect(runs).toHaveLength(2);
    for (const r of runs) {
      expect(r.status, r.all).toBe(0);
      expect(r.stdout.trim()).toMatch(new RegExp(r.expected));
    }
  });

  it("a platform no image is built for is one clear error before anything is built; --platform on another command is a usage error", async () => {
    const wrong = await runPipeline(ws, ["load", "fixture-child", "--platform", "linux/s390x"], {});
    expect(wrong.status).toBe(1);
    expect(wrong.all).toContain(
      'fixture-child: --platform is "linux/s390x", which no image is built for: use --platform linux/amd64 or --platform linux/arm64',
    );
    expect(wrong.all).not.toContain("▶ fixture-base");
    expect(wrong.all).not.toMatch(/\n\s+at /);
    const misplaced = await runPipeline(ws, ["plan", "fixture-child", "--platform", "linux/arm64"], {});
    expect(misplaced.status).toBe(2);
    expect(misplaced.all).toContain("--platform is for build, smoke, publish and load (plan reads every platform)");
  });
});
