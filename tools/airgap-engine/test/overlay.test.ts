import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { daggerVersionFromLockfile } from "../src/config.ts";
import { loadOverlay, overlayDigest, overlayDir } from "../src/steps/dagger.ts";

// The SDK version comes from the workspace lockfile; bumping it without an
// overlay for the new tag would only fail deep inside a 10-minute provision.
const root = path.resolve(import.meta.dirname, "..", "..", "..");
const tag = `v${daggerVersionFromLockfile(JSON.parse(readFileSync(path.join(root, "package-lock.json"), "utf8")))}`;

describe(`Dagger ${tag} build overlay`, () => {
  const { dir, overlay } = loadOverlay(tag);

  it("restores the engine/distconsts nested module", () => {
    expect(readFileSync(path.join(dir, "files/engine/distconsts/go.mod"), "utf8")).toMatch(/^module github.com\/dagger\/dagger\/engine\/distconsts$/m);
    const consts = readFileSync(path.join(dir, "files/engine/distconsts/consts.go"), "utf8");
    for (const name of ["RuncPath", "DaggerInitPath", "EngineDefaultStateDir", "DefaultEngineSockAddr", "AlpineImage", "GolangImage", "BusyboxImage"]) {
      expect(consts).toMatch(new RegExp(`\\b${name}\\s+=`));
    }
  });

  it("provides every replaced module as a directory whose go.mod declares that module", () => {
    for (const [mod, rel] of Object.entries(overlay.replace)) {
      const gomod = path.join(dir, "files", rel, "go.mod");
      expect(existsSync(gomod), gomod).toBe(true);
      expect(readFileSync(gomod, "utf8").split("\n")[0]).toBe(`module ${mod}`);
      expect(existsSync(path.join(dir, "files", rel, "LICENSE")), `${rel}/LICENSE`).toBe(true);
    }
  });

  it("has a stable digest that the binary cache key uses", () => {
    expect(overlayDigest(overlayDir(tag))).toMatch(/^[0-9a-f]{64}$/);
    expect(overlayDigest(overlayDir(tag))).toBe(overlayDigest(dir));
  });

  it("fails with a fix for a version without an overlay", () => {
    expect(() => loadOverlay("v0.0.0")).toThrow(/no build overlay for Dagger v0.0.0/);
  });
});
