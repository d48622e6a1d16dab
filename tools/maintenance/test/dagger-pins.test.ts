import { INSTALL_ROOT } from "@image-tooling/cli-support";
import { describe, expect, it } from "vitest";
import { type DaggerPins, daggerPinProblems, readDaggerPins } from "../src/dagger-pins.ts";

describe("one Dagger version: the SDK, the harness engine, buildx's Dagger CLI", () => {
  it("agree in this workspace", () => {
    const pins = readDaggerPins(INSTALL_ROOT);
    expect(pins.sdk).toMatch(/^\d+\.\d+\.\d+$/);
    expect(Object.keys(pins.packageJsons)).toEqual(expect.arrayContaining(["package.json", "libs/pipeline/package.json"]));
    expect(daggerPinProblems(pins)).toEqual([]);
  });

  const agreeing: DaggerPins = {
    sdk: "0.21.8",
    packageJsons: { "package.json": "0.21.8", "libs/pipeline/package.json": "0.21.8" },
    buildxCli: "0.21.8",
    overlays: ["0.21.8"],
  };

  it("names each pin that moved alone, and what to do", () => {
    expect(daggerPinProblems({ ...agreeing, packageJsons: { ...agreeing.packageJsons, "libs/pipeline/package.json": "0.21.9" } })).toEqual([
      "libs/pipeline/package.json: pins @dagger.io/dagger 0.21.9, package-lock.json has 0.21.8: pin 0.21.8 everywhere (npm install)",
    ]);
    expect(daggerPinProblems({ ...agreeing, buildxCli: "0.21.9" })).toEqual([
      "packages/buildx/tools.lock.json: tools.dagger is 0.21.9, the SDK is 0.21.8: the Dagger CLI in buildx moves with the SDK: set its version and sha256 per arch to 0.21.8's, then npm run image-docs (or keep the SDK at 0.21.9)",
    ]);
    expect(daggerPinProblems({ ...agreeing, sdk: "0.22.0", packageJsons: { "package.json": "0.22.0" }, buildxCli: "0.22.0" })).toEqual([
      "tools/airgap-engine/dagger/v0.22.0/overlay.json: missing: the harness builds the engine of the SDK's version and needs its overlay (tools/airgap-engine/README.md#dagger-overlay)",
    ]);
    expect(daggerPinProblems({ ...agreeing, sdk: undefined })).toEqual(["package-lock.json: has no version of @dagger.io/dagger"]);
  });
});
