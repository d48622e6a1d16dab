import { describe, expect, it } from "vitest";
import { imageTargets } from "../src/targets.ts";

describe("image targets", () => {
  it("cache build and smoke (passing runs replay while inputs are unchanged), never publish; order publish after the parent's; run through the batching executor", () => {
    const t = imageTargets("demo");
    expect(Object.keys(t)).toEqual(["build", "smoke", "publish", "load", "lint"]);
    expect(t.build).toMatchObject({
      cache: true,
      inputs: ["image", "^image", { externalDependencies: ["@dagger.io/dagger"] }],
      outputs: ["{workspaceRoot}/dist/images/demo/build.json"],
    });
    expect(t.smoke).toMatchObject({
      cache: true,
      inputs: ["smoke", "^image", { externalDependencies: ["@dagger.io/dagger"] }, "{workspaceRoot}/vex.openvex.json"],
      outputs: ["{workspaceRoot}/dist/images/demo/result.json"],
    });
    // publish's inputs are build's: what `nx affected -t publish` selects by (task-level affected).
    expect(t.publish).toMatchObject({ cache: false, dependsOn: ["^publish"], inputs: t.build!.inputs });
    // load changes the local Docker daemon, which no cache can restore.
    expect(t.load).toMatchObject({ cache: false, inputs: t.build!.inputs });
    for (const verb of ["build", "smoke", "publish", "load"] as const)
      expect(t[verb]).toMatchObject({ executor: "@image-tooling/nx-image-executor:pipeline", options: { command: verb } });
    // lint runs image-lint's CLI, with the lint lib's source as an input of lint alone.
    expect(t.lint).toMatchObject({ cache: true, inputs: ["default", "^image", "{workspaceRoot}/libs/image-lint/src/**/*"] });
    expect(t.lint!.options.command).toBe("tsx libs/image-lint/src/cli.ts demo");
  });
});
