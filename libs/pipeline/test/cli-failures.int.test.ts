import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TempWorkspace } from "@image-tooling/test-support/temp-workspace";
import { fixtureWorkspace } from "@image-tooling/test-support/fixture-workspace";
import { freePort } from "@image-tooling/test-support/registry-server";
import { runPipeline } from "@image-tooling/test-support/run-pipeline";

// The CLI's failures that need no engine: each ends in one message without a
// stack, and still writes the image's result file for the notes and summary.
const NO_STACK = /^\s+at /m;

describe("a failed run still writes its result files", () => {
  let ws: TempWorkspace;
  beforeAll(() => {
    ws = fixtureWorkspace(`sha256:${"0".repeat(64)}`);
  });
  afterAll(() => ws?.dispose());

  it("publish against a registry that is down: status failed, the error, nothing written", async () => {
    const down = `127.0.0.1:${await freePort()}`;
    // A refused connection is retried like any link fault (a registry restarting); one retry keeps this quick.
    const run = await runPipeline(ws, ["publish", "fixture-base"], { IMAGE_REGISTRY: down, IMAGE_NAMESPACE: "acme", IMAGE_REGISTRY_RETRIES: "1" });
    expect(run.status).toBe(1);
    expect(run.all).not.toMatch(NO_STACK);
    expect(run.all).toMatch(new RegExp(`  ↻ GET /v2/ on registry ${down}: connection refused; waiting [\\d.]+ m?s, then retry 1 of 1\n`));
    const result = JSON.parse(ws.read("dist/images/fixture-base/result.json"));
    expect(result).toMatchObject({
      image: "fixture-base",
      version: "1.0.0",
      command: "publish",
      status: "failed",
      repository: `${down}/acme/fixture-base`,
      notice: "nothing was written to the registry",
    });
    expect(result.error).toContain(`cannot reach registry ${down} (connection refused)`);
    expect(run.all).toMatch(/\| fixture-base \| 1\.0\.0 \| failed|│ fixture-base │ 1\.0\.0\s+│ failed/);
  });

  it("plan against a registry that is down: the image it was planning is failed", async () => {
    const down = `127.0.0.1:${await freePort()}`;
    const run = await runPipeline(ws, ["plan"], { IMAGE_REGISTRY: down, IMAGE_NAMESPACE: "acme", IMAGE_REGISTRY_RETRIES: "1" });
    expect(run.status).toBe(1);
    expect(JSON.parse(ws.read("dist/images/fixture-base/result.json"))).toMatchObject({
      command: "plan",
      status: "failed",
      error: expect.stringContaining("cannot reach"),
    });
  });
  it("an image name that is no image (../../etc): one clear error, and no result file anywhere, least of all outside dist/images", async () => {
    const run = await runPipeline(ws, ["build", "../../etc"], {});
    expect(run.status).toBe(1);
    expect(run.all).not.toMatch(NO_STACK);
    expect(run.all).toContain('no result file for "../../etc"');
    expect(existsSync(join(ws.root, "etc"))).toBe(false);
    expect(existsSync(join(ws.root, "..", "etc", "result.json"))).toBe(false);
  });

  it("an upper-case IMAGE_NAMESPACE from the environment: one clear error naming the variable, no stack, a failed result", async () => {
    const run = await runPipeline(ws, ["publish", "fixture-base"], { IMAGE_REGISTRY: "127.0.0.1:5000", IMAGE_NAMESPACE: "MyTeam" });
    expect(run.status).toBe(1);
    expect(run.all).toContain(
      '✘ publish failed: environment variable IMAGE_NAMESPACE: is "MyTeam": must be a lower-case repository path (letters a-z, digits, single . _ - or / between them, such as "myteam")\n  → fix or unset IMAGE_NAMESPACE (it overrides image-tooling.yaml)',
    );
    expect(run.all).not.toMatch(NO_STACK);
    expect(JSON.parse(ws.read("dist/images/fixture-base/result.json"))).toMatchObject({ status: "failed", error: expect.stringContaining("IMAGE_NAMESPACE") });
  });
});
