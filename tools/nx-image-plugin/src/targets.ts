import type { TargetConfiguration } from "@nx/devkit";

/** The project that holds the shared build/smoke/publish logic. */
export const PIPELINE_PROJECT = "@image-tooling/pipeline";
/** build, smoke, publish and load: the plugin's executor, which runs all of a run's images in one pipeline process. */
const EXECUTOR = "@image-tooling/nx-image-executor:pipeline";

/**
 * An image's inputs as Nx sees them (the definition: image-metadata's
 * inputs.ts): its own `image` files, its dependencies' — the parent image and
 * the pipeline and metadata libs — and the Dagger SDK's version.
 */
const DAGGER_SDK = { externalDependencies: ["@dagger.io/dagger"] };
/** A platform selection changes what build, smoke and publish do (one platform; publish stages it), so it is an input. */
const PLATFORM = { env: "IMAGE_PLATFORM" };
const IMAGE_INPUTS = ["image", "^image", DAGGER_SDK, PLATFORM];

/** The targets every image project gets; no project.json needed. */
export function imageTargets(image: string): Record<string, TargetConfiguration> {
  const pipeline = (command: "build" | "smoke" | "publish" | "merge" | "load", extra: Partial<TargetConfiguration>): TargetConfiguration => ({
    executor: EXECUTOR,
    options: { command },
    metadata: { technologies: ["docker"], description: DESCRIPTIONS[command] },
    ...extra,
  });
  return {
    build: pipeline("build", { cache: true, inputs: IMAGE_INPUTS, outputs: [`{workspaceRoot}/dist/images/${image}/build.json`] }),
    // A smoke whose inputs (the image's, its parent's, the pipeline's and the
    // smoke spec) have not changed since it last passed is replayed from the
    // Nx cache: same files, same base digests, same checks. Nx caches passing
    // runs only. Publish is never cached: it talks to a registry whose state
    // is not an input, and smoke-tests the exact digest it pushes itself.
    // With task-level affected (NX_LEGACY_AFFECTED=false, set in the
    // workspace's .env) the inputs also decide which images `nx affected -t
    // smoke|publish` runs: a README edit none, a smoke.yaml edit only smoke.
    // The family's accepted vulnerabilities gate every smoke too. The vulnerability database is not an input:
    // a cached smoke replays its last scan; publish and `npm run vulns:rescan` always scan with today's.
    smoke: pipeline("smoke", {
      cache: true,
      inputs: ["smoke", "^image", DAGGER_SDK, PLATFORM, "{workspaceRoot}/vex.openvex.json"],
      outputs: [`{workspaceRoot}/dist/images/${image}/result.json`],
    }),
    publish: pipeline("publish", { cache: false, dependsOn: ["^publish"], inputs: IMAGE_INPUTS }),
    // After every platform's publish with IMAGE_PLATFORM (one native runner each): X.Y.Z from the staged digests, parents first.
    merge: pipeline("merge", { cache: false, dependsOn: ["^merge"], inputs: IMAGE_INPUTS }),
    // Never cached: what it changes is the local Docker daemon, which Nx cannot restore. It builds the parents itself, as smoke does.
    load: pipeline("load", { cache: false, inputs: IMAGE_INPUTS }),
    // image-lint's own CLI, not the pipeline's: images do not depend on the lint lib, so a rule change re-runs lint only.
    lint: {
      executor: "nx:run-commands",
      options: { command: `tsx libs/image-lint/src/cli.ts ${image}`, cwd: "{workspaceRoot}" },
      metadata: { technologies: ["docker"], description: DESCRIPTIONS.lint },
      cache: true,
      inputs: ["default", "^image", "{workspaceRoot}/libs/image-lint/src/**/*"],
    },
  };
}

const DESCRIPTIONS: Record<string, string> = {
  build: "Build the image for each platform with Dagger",
  smoke: "Build the image and run its smoke tests on each platform",
  publish: "Build, smoke-test and push the image; move floating tags forward (IMAGE_PLATFORM: stage that platform for merge)",
  merge: "Assemble X.Y.Z from the platforms staged by per-platform publishes, sign it, move floating tags forward",
  load: "Build the image for this machine's platform (or --platform) and load it into the local Docker as <namespace>/<image>:dev",
  lint: "Validate image.yaml, the Dockerfile and the image's files",
};
