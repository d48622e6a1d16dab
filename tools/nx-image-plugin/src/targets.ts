import type { TargetConfiguration } from "@nx/devkit";

/** The project that holds the shared build/smoke/publish logic. */
export const PIPELINE_PROJECT = "@image-tooling/pipeline";
const CLI = "tsx libs/pipeline/src/cli/main.ts";

/**
 * Turns a package's .dockerignore into Nx input exclusions, so `build`'s
 * inputs are exactly the build context Docker sees: a README or smoke-spec
 * edit then neither invalidates the build cache nor pretends to change the
 * image. Re-includes (`!pattern`) cannot be expressed as Nx exclusions, so a
 * file that uses them falls back to the whole directory (too many inputs is
 * safe; too few would serve a stale build).
 */
export function contextInputs(dockerignore: string | null): string[] {
  const lines = (dockerignore ?? "")
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"))
    // The pipeline reads these itself, whatever the build context holds: the
    // base, platforms and version (labels) change the image as much as the Dockerfile.
    .filter((l) => !METADATA_FILES.includes(l.replace(/^\.?\//, "")));
  if (lines.some((l) => l.startsWith("!"))) return ["{projectRoot}/**/*"];
  const exclusions = lines.flatMap((l) => {
    const p = l.replace(/^\.?\//, "").replace(/\/+$/, "");
    return p.includes("*") ? [`!{projectRoot}/${p}`] : [`!{projectRoot}/${p}`, `!{projectRoot}/${p}/**/*`];
  });
  return ["{projectRoot}/**/*", ...exclusions];
}

const METADATA_FILES = ["image.yaml", "package.json"];

/** The targets every image project gets; no project.json needed. */
export function imageTargets(image: string): Record<string, TargetConfiguration> {
  const run = (verb: string, extra: Partial<TargetConfiguration> = {}): TargetConfiguration => ({
    executor: "nx:run-commands",
    options: { command: `${CLI} ${verb} ${image}`, cwd: "{workspaceRoot}" },
    metadata: { technologies: ["docker"], description: DESCRIPTIONS[verb] },
    ...extra,
  });
  return {
    build: run("build", {
      cache: true,
      // The parent's image inputs and the pipeline's source both change what
      // this image's build produces; the Dagger SDK version does too.
      inputs: ["image", "^image", { externalDependencies: ["@dagger.io/dagger"] }],
      outputs: [`{workspaceRoot}/dist/images/${image}/build.json`],
    }),
    // Smoke and publish talk to an engine and a registry: never replay them from cache.
    smoke: run("smoke", { cache: false }),
    publish: run("publish", { cache: false, dependsOn: ["^publish"] }),
    lint: run("lint", { cache: true, inputs: ["default", "^image"] }),
  };
}

const DESCRIPTIONS: Record<string, string> = {
  build: "Build the image for each platform with Dagger",
  smoke: "Build the image and run its smoke tests on each platform",
  publish: "Build, smoke-test and push the image; move floating tags forward",
  lint: "Validate image.yaml, the Dockerfile and the image's files",
};
