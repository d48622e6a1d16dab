import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixtureWorkspace } from "@image-tooling/test-support/fixture-workspace";
import { loadHarnessEnv } from "@image-tooling/test-support/harness-env";
import { runPipeline } from "@image-tooling/test-support/run-pipeline";
import type { TempWorkspace } from "@image-tooling/test-support/temp-workspace";

// A Dockerfile COPY of a file the image package does not have, built by the
// real engine: the message names the Dockerfile line, the missing path and
// what to do, from what the engine's error carries (its own line is kilobytes
// of operation IDs and must not reach the user).
const harness = loadHarnessEnv();
const baseDigest = harness.HARNESS_DEBIAN_BASE.split("@")[1]!;

describe("a Dockerfile COPY of a file that is not in the package", () => {
  let ws: TempWorkspace;
  beforeAll(() => {
    ws = fixtureWorkspace(baseDigest, ["fixture-base"]);
  });
  afterAll(() => ws?.dispose());

  it("names image, platform, the Dockerfile line and the missing path, and says what to do; no stack, no engine IDs", async () => {
    const dockerfile = "packages/fixture-base/Dockerfile";
    ws.write(
      dockerfile,
      ws.read(dockerfile).replace("COPY --chmod=0755 entrypoint hello /usr/local/bin/", "COPY --chmod=0755 entrypoint hello bin/greet /usr/local/bin/"),
    );
    ws.commitAll("copies a file the package lacks");
    const run = await runPipeline(ws, ["build", "fixture-base"], {});
    expect(run.status, run.all).toBe(1);
    // Both platforms fail alike; whichever the engine reports first is named.
    const platform = /fixture-base \[(linux\/(?:amd64|arm64))\]: the Dockerfile did not build/.exec(run.all)?.[1];
    expect(platform, run.all).toBeDefined();
    expect(run.all).toContain(
      [
        `fixture-base [${platform}]: the Dockerfile did not build: packages/fixture-base/Dockerfile line 3 failed: bin/greet is not in the build context`,
        "    COPY --chmod=0755 entrypoint hello bin/greet /usr/local/bin/",
        "    bin/greet: no such file or directory",
        "  → add packages/fixture-base/bin/greet to the image package, or fix the source on line 3 of packages/fixture-base/Dockerfile; a file that exists but is listed in packages/fixture-base/.dockerignore is left out of the context too",
      ].join("\n"),
    );
    expect(run.all).not.toMatch(/^\s+at /m);
    expect(run.all.split("\n").every((l) => l.length < 1000)).toBe(true);
  });
});
