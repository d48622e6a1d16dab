import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { contextFiles, isImageInput, nxImageInputs } from "../src/inputs.ts";

describe("nxImageInputs: Nx patterns for an image's inputs", () => {
  it("exclude what .dockerignore leaves out of the context", () => {
    expect(nxImageInputs("# docs\nREADME.md\n/test/\n*.md\n")).toEqual([
      "{projectRoot}/**/*",
      "!{projectRoot}/README.md",
      "!{projectRoot}/README.md/**/*",
      "!{projectRoot}/test",
      "!{projectRoot}/test/**/*",
      "!{projectRoot}/*.md",
    ]);
  });

  it("always keep image.yaml, package.json and .dockerignore: base, platforms, version and the context itself", () => {
    expect(nxImageInputs("image.yaml\n./package.json\n.dockerignore\nsmoke.yaml\n")).toEqual([
      "{projectRoot}/**/*",
      "!{projectRoot}/smoke.yaml",
      "!{projectRoot}/smoke.yaml/**/*",
    ]);
  });

  it("keep an included file (the smoke spec, for smoke) in the one list, since Nx applies exclusions to all of a task's inputs", () => {
    expect(nxImageInputs("README.md\nsmoke.yaml\n", { include: ["smoke.yaml"] })).toEqual([
      "{projectRoot}/**/*",
      "!{projectRoot}/README.md",
      "!{projectRoot}/README.md/**/*",
    ]);
  });

  it("fall back to the whole package when .dockerignore re-includes files", () => {
    expect(nxImageInputs("*\n!Dockerfile\n")).toEqual(["{projectRoot}/**/*"]);
    expect(nxImageInputs(null)).toEqual(["{projectRoot}/**/*"]);
  });
});

describe("the files of a package that are image inputs", () => {
  let dir: string | undefined;
  afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));
  const pkg = (files: Record<string, string>): string => {
    dir = mkdtempSync(join(tmpdir(), "image-inputs-"));
    for (const [rel, content] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, rel)), { recursive: true });
      writeFileSync(join(dir, rel), content);
    }
    return dir;
  };

  it("the context is the package minus .dockerignore; image.yaml, package.json and .dockerignore always count", () => {
    const d = pkg({
      ".dockerignore": "README.md\nCHANGELOG.md\nimage.yaml\npackage.json\n.dockerignore\nsmoke.yaml\ntest/\n",
      Dockerfile: "FROM x\n",
      "rootfs/usr/bin/tool": "#!/bin/sh\n",
      "README.md": "",
      "CHANGELOG.md": "",
      "image.yaml": "",
      "package.json": "{}",
      "smoke.yaml": "",
      "test/case.sh": "",
    });
    chmodSync(join(d, "rootfs/usr/bin/tool"), 0o755);
    expect(contextFiles(d)).toEqual(["Dockerfile", "rootfs/usr/bin/tool"]);
    for (const f of ["README.md", "CHANGELOG.md", "smoke.yaml", "test/case.sh", "test/deleted-since.sh"]) expect(isImageInput(d, f), f).toBe(false);
    for (const f of ["Dockerfile", "image.yaml", "package.json", ".dockerignore", "rootfs/etc/new-file"]) expect(isImageInput(d, f), f).toBe(true);
  });

  it("without a .dockerignore every file is in the context", () => {
    const d = pkg({ Dockerfile: "FROM x\n", "README.md": "" });
    expect(contextFiles(d)).toEqual(["Dockerfile", "README.md"]);
    expect(isImageInput(d, "README.md")).toBe(true);
  });
});
