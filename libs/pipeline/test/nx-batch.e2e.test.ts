import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadHarnessEnv } from "@image-tooling/test-support/harness-env";
import type { TempWorkspace } from "@image-tooling/test-support/temp-workspace";
import { fixtureWorkspace } from "@image-tooling/test-support/fixture-workspace";
import { pipelineTestKeys } from "@image-tooling/test-support/run-pipeline";

/**
 * How users run the pipeline: through nx, which hands every image task of a
 * run to the image plugin's executor at once. One pipeline process serves the
 * whole run, parents first, and Nx still gets (and caches) a result per image.
 */
const harness = loadHarnessEnv();
const baseDigest = harness.HARNESS_DEBIAN_BASE.split("@")[1]!;
const ONE_PROCESS = "Running 2 tasks with @image-tooling/nx-image-executor:pipeline";
const count = (text: string, needle: string) => text.split(needle).length - 1;

/**
 * nx as a CI job runs it (no terminal). `live` is the pipeline's own progress
 * as Nx streams it (the pipeline writes to stderr), each line once; `output`
 * is everything, including the task output Nx may print again on stdout.
 */
function nx(ws: TempWorkspace, args: string[], env: Record<string, string | undefined> = {}) {
  const r = spawnSync(process.execPath, [join(ws.root, "node_modules/nx/dist/bin/nx.js"), ...args], {
    cwd: ws.root,
    env: { ...process.env, NX_DAEMON: "false", NX_TUI: "false", NX_SKIP_NX_CACHE: "true", FORCE_COLOR: "0", NO_COLOR: "1", ...env },
    encoding: "utf8",
  });
  return { status: r.status ?? 1, live: r.stderr, output: `${r.stdout}${r.stderr}` };
}

describe("nx runs every image task of a run in one pipeline process", () => {
  let ws: TempWorkspace;
  beforeAll(() => {
    ws = fixtureWorkspace(baseDigest);
  });
  afterAll(() => ws?.dispose());

  it("run-many -t smoke: one process and one engine session, the parent built once, a passing result per image", () => {
    const run = nx(ws, ["run-many", "-t", "smoke"], { NX_SKIP_NX_CACHE: "false" });
    expect(run.status, run.output).toBe(0);
    expect(run.output).toContain(ONE_PROCESS);
    expect(count(run.live, "▶ start the run's ephemeral registry")).toBe(1);
    expect(count(run.live, "▶ fixture-base 1.0.0: build")).toBe(1);
    for (const image of ["fixture-base", "fixture-child"])
      expect(JSON.parse(ws.read(`dist/images/${image}/result.json`))).toMatchObject({ image, status: "passed" });
  });

  it("the same run again is replayed from the Nx cache, task by task, without the engine", () => {
    const run = nx(ws, ["run-many", "-t", "smoke"], { NX_SKIP_NX_CACHE: "false" });
    expect(run.status, run.output).toBe(0);
    expect(run.output).toMatch(/Nx read the output from the cache instead of running the command for 2 out of 2 tasks/);
  });

  it("a parent that fails to build fails its task; its child is not attempted and says why; nx reports both", () => {
    ws.append("packages/fixture-base/Dockerfile", "RUN exit 3\n");
    try {
      const run = nx(ws, ["run-many", "-t", "build", "--skip-nx-cache"]);
      expect(run.status, run.output).not.toBe(0);
      expect(run.output).toContain(ONE_PROCESS);
      expect(run.output).toMatch(/Failed tasks:[\s\S]*fixture-base:build/);
      expect(run.output).toMatch(/Failed tasks:[\s\S]*fixture-child:build/);
      expect(JSON.parse(ws.read("dist/images/fixture-base/result.json"))).toMatchObject({
        status: "failed",
        error: expect.stringContaining("line 8 failed with exit code 3"),
      });
      expect(JSON.parse(ws.read("dist/images/fixture-child/result.json"))).toMatchObject({
        status: "failed",
        error: "fixture-child: not built: its parent fixture-base failed to build in this run",
      });
    } finally {
      ws.git("checkout", "--", "packages/fixture-base/Dockerfile");
    }
  });

  it("a failing smoke prints its error block once, with the summary table; progress goes out live", () => {
    ws.append("packages/fixture-base/smoke.yaml", '  - name: always fails\n    run: ["sh", "-c", "echo boom >&2; exit 7"]\n');
    try {
      const run = nx(ws, ["run", "fixture-base:smoke", "--skip-nx-cache"]);
      expect(run.status, run.output).not.toBe(0);
      expect(count(run.output, "✘ smoke failed: fixture-base: 2 of")).toBe(1);
      expect(count(run.output, "exit code 7, expected 0")).toBe(2); // once per platform
      expect(count(run.output, "│ fixture-base │")).toBe(1);
      expect(count(run.output, "  ✘ [linux/arm64] always fails")).toBe(1);
      // Progress lines are streamed as they happen, each once.
      expect(count(run.live, "▶ fixture-base: smoke linux/amd64")).toBe(1);
      expect(count(run.output, "▶ fixture-base: smoke linux/amd64")).toBe(1);
      // The table comes after the error block.
      expect(run.output.indexOf("│ fixture-base │")).toBeGreaterThan(run.output.indexOf("exit code 7, expected 0"));
    } finally {
      ws.git("checkout", "--", "packages/fixture-base/smoke.yaml");
    }
  });

  it("publish: parent then child in one process; a re-run with nothing to publish starts no pipeline process, opens no engine session and runs no cosign", async () => {
    const env = {
      IMAGE_REGISTRY: harness.HARNESS_ENGINE_REGISTRY,
      IMAGE_REGISTRY_PLAIN_HTTP: "true",
      IMAGE_NAMESPACE: `e2e-batch-${randomBytes(4).toString("hex")}`,
      ...(await pipelineTestKeys()).env,
    };
    const first = nx(ws, ["run", "fixture-child:publish"], env);
    expect(first.status, first.output).toBe(0);
    expect(first.output).toContain(ONE_PROCESS);
    const live = first.live;
    expect(live.indexOf("▶ fixture-base: push ")).toBeGreaterThan(-1);
    expect(live.indexOf("▶ fixture-base: push ")).toBeLessThan(live.indexOf("▶ fixture-child: push "));
    // Every Node process the re-run starts writes its entry script here (a --require preload).
    const started = join(ws.root, "node-processes.log");
    ws.write("record-process.cjs", `require("node:fs").appendFileSync(${JSON.stringify(started)}, (process.argv[1] ?? "") + "\\n");\n`);
    // --output-style=static: Nx prints every task's output, the parent's too (by default it collapses a dependency that succeeded to one line).
    const again = nx(ws, ["run", "fixture-child:publish", "--output-style=static"], {
      ...env,
      NODE_OPTIONS: `--require ${join(ws.root, "record-process.cjs")}`,
    });
    expect(again.status, again.output).toBe(0);
    // The pipeline runs inside Nx's batch worker, not in a Node process of its own.
    const scripts = ws.read("node-processes.log");
    expect(scripts).toMatch(/batch\/run-batch\.js/);
    expect(scripts).not.toContain("pipeline-cli");
    expect(count(again.output, "is already published")).toBe(2);
    expect(again.output).not.toMatch(/▶ .*build|verify signature, SBOMs and provenance with cosign/);
    for (const image of ["fixture-base", "fixture-child"])
      expect(JSON.parse(ws.read(`dist/images/${image}/result.json`))).toMatchObject({ status: "skipped", attestations: { status: "present" } });
  });
});
