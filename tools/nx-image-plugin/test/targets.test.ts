import { describe, expect, it } from "vitest";
import { contextInputs, imageTargets } from "../src/targets.ts";

describe("build inputs follow the Docker build context", () => {
  it("exclude what .dockerignore leaves out of the context", () => {
    expect(contextInputs("# docs\nREADME.md\n/test/\n*.md\n")).toEqual([
      "{projectRoot}/**/*",
      "!{projectRoot}/README.md",
      "!{projectRoot}/README.md/**/*",
      "!{projectRoot}/test",
      "!{projectRoot}/test/**/*",
      "!{projectRoot}/*.md",
    ]);
  });

  it("always keep image.yaml and package.json: base, platforms and version change the image", () => {
    expect(contextInputs("image.yaml\n./package.json\nsmoke.yaml\n")).toEqual(["{projectRoot}/**/*", "!{projectRoot}/smoke.yaml", "!{projectRoot}/smoke.yaml/**/*"]);
  });

  it("fall back to the whole package when .dockerignore re-includes files", () => {
    expect(contextInputs("*\n!Dockerfile\n")).toEqual(["{projectRoot}/**/*"]);
    expect(contextInputs(null)).toEqual(["{projectRoot}/**/*"]);
  });
});

describe("image targets", () => {
  it("cache build only, order publish after the parent's, and call the pipeline CLI", () => {
    const t = imageTargets("demo");
    expect(Object.keys(t)).toEqual(["build", "smoke", "publish", "lint"]);
    expect(t.build).toMatchObject({ cache: true, inputs: ["image", "^image", { externalDependencies: ["@dagger.io/dagger"] }], outputs: ["{workspaceRoot}/dist/images/demo/build.json"] });
    expect(t.smoke!.cache).toBe(false);
    expect(t.publish).toMatchObject({ cache: false, dependsOn: ["^publish"] });
    expect(t.publish!.options.command).toBe("tsx libs/pipeline/src/cli/main.ts publish demo");
  });
});
