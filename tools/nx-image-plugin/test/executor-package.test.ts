import { lstatSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { INSTALL_ROOT } from "@image-tooling/cli-support";
import { describe, expect, it } from "vitest";

const SOURCE = join(INSTALL_ROOT, "tools/nx-image-plugin/nx-package");
const INSTALLED = join(INSTALL_ROOT, "node_modules/@image-tooling/nx-image-executor");

describe("the executor package Nx loads", () => {
  // Nx resolves executors under node_modules without loading the TypeScript
  // compiler; a symlink into the workspace would bring that cost back.
  it("is installed as a copy, not a link into the workspace (.npmrc: install-links)", () => {
    expect(lstatSync(INSTALLED).isSymbolicLink()).toBe(false);
  });

  it("is the same as its source: after changing tools/nx-image-plugin/nx-package, run npm install", () => {
    const files = readdirSync(SOURCE).sort();
    expect(readdirSync(INSTALLED).sort()).toEqual(files);
    for (const file of files)
      expect(readFileSync(join(INSTALLED, file), "utf8"), `${file} differs from its installed copy: run npm install`).toBe(
        readFileSync(join(SOURCE, file), "utf8"),
      );
  });
});
