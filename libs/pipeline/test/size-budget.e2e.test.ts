import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadHarnessEnv } from "@image-tooling/test-support/harness-env";
import type { TempWorkspace } from "@image-tooling/test-support/temp-workspace";
import { fixtureWorkspace } from "@image-tooling/test-support/fixture-workspace";
import { runPipeline } from "@image-tooling/test-support/run-pipeline";

const harness = loadHarnessEnv();
const baseDigest = harness.HARNESS_DEBIAN_BASE.split("@")[1]!;

// image.yaml budget.compressedSize on the real engine: smoke (and so publish,
// which smoke-tests before it pushes anything) measures each platform and stops
// with one message per platform over the budget.
describe("compressed-size budget", () => {
  let ws: TempWorkspace;
  const setBudget = (size: string) => {
    const file = "packages/fixture-base/image.yaml";
    ws.write(file, `${ws.read(file).replace(/\nbudget:[\s\S]*$/, "\n")}budget:\n  compressedSize: ${size}\n`);
  };
  beforeAll(() => {
    ws = fixtureWorkspace(baseDigest, ["fixture-base"]);
  });
  afterAll(() => ws?.dispose());

  it("an image over its budget fails smoke, naming image, platform, size and budget; nothing else is printed as a stack", async () => {
    setBudget("1kB");
    const r = await runPipeline(ws, ["smoke", "fixture-base"], {});
    expect(r.status, r.all).toBe(1);
    for (const platform of ["linux/amd64", "linux/arm64"]) {
      expect(r.all).toMatch(
        new RegExp(
          `fixture-base ${platform} is [\\d.]+ MB compressed \\(\\d+ bytes\\), over its budget of 1\\.0 kB \\(1000 bytes\\) set in packages/fixture-base/image.yaml budget\\.compressedSize`,
        ),
      );
    }
    expect(r.all).not.toMatch(/\n\s+at /);
    expect(JSON.parse(ws.read("dist/images/fixture-base/result.json"))).toMatchObject({ status: "failed" });
  });

  it("an image within its budget passes and says its size", async () => {
    setBudget("2GB");
    const r = await runPipeline(ws, ["smoke", "fixture-base"], {});
    expect(r.status, r.all).toBe(0);
    expect(r.all).toMatch(/✔ \[linux\/arm64\] compressed size [\d.]+ MB \(budget 2\.0 GB\)/);
  });
});
