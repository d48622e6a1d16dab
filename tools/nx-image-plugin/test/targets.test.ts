import { describe, expect, it } from "vitest";
import { imageTargets } from "../src/targets.ts";

describe("image targets", () => {
  it("cache build and smoke (passing runs replay while inputs are unchanged), never publish; order publish after the parent's; run through the batching executor", () => {
    const t = imageTargets("demo");
    expect(Object.keys(t)).toEqual(["build", "smoke", "publish", "merge", "load", "lint"]);
    // A platform selection (IMAGE_PLATFORM) changes what build and smoke make: a cached amd64 smoke never answers for arm64.
    const platform = { env: "IMAGE_PLATFORM" };
    expect(t.build).toMatchObject({
      cache: true,
      inputs: ["image", "^image", { externalDependencies: ["@dagger.io/dagger"] }, platform],
      outputs: ["{workspaceRoot}/dist/images/demo/build.json"],
    });
    expect(t.smoke).toMatchObject({
      cache: true,
      inputs: ["smoke", "^image", { externalDependencies: ["@dagger.io/dagger"] }, platform, "{workspaceRoot}/vex.openvex.json"],
      outputs: ["{workspaceRoot}/dist/images/demo/result.json"],
    });
    // publish's inputs are build's: what `nx affected -t publish` selects by (task-level affected).
    expect(t.publish).toMatchObject({ cache: false, dependsOn: ["^publish"], inputs: t.build!.inputs });
    // merge, after every platform's publish: parents' indexes first, never cached (the registry is its state), selected as publish is.
    expect(t.merge).toMatchObject({ cache: false, dependsOn: ["^merge"], inputs: t.build!.inputs });
    // load changes the local Docker daemon, which no cache can restore.
    expect(t.load).toMatchObject({ cache: false, inputs: t.build!.inputs });
    for (const verb of ["build", "smoke", "publish", "merge", "load"] as const)
      expect(t[verb]).toMatchObject({ executor: "@image-tooling/nx-image-executor:pipeline", options: { command: verb } });
    // lint runs image-lint's CLI, with the lint lib's source as an input of lint alone.
    expect(t.lint).toMatchObject({ cache: true, inputs: ["default", "^image", "{workspaceRoot}/libs/image-lint/src/**/*"] });
    expect(t.lint!.options.command).toBe("tsx libs/image-lint/src/cli.ts demo");
  });
});
