import { join, resolve } from "node:path";

/**
 * Where the air-gapped harness (tools/airgap-engine) keeps its running state,
 * unless IMAGE_TOOLING_STATE_DIR says otherwise. The harness writes its env
 * file there; the pipeline CLI (to find the engine) and the tests (to find the
 * engine and the registry) read it. One definition, so they cannot drift.
 */
export const DEFAULT_STATE_DIR = "/var/lib/image-tooling/harness";

/** The harness's state directory: $IMAGE_TOOLING_STATE_DIR, else {@link DEFAULT_STATE_DIR}. */
export const harnessStateDir = (env: Record<string, string | undefined> = process.env): string => resolve(env.IMAGE_TOOLING_STATE_DIR || DEFAULT_STATE_DIR);

/** The env file `npm run harness -- provision` writes: `<state dir>/env`. */
export const harnessEnvPath = (env: Record<string, string | undefined> = process.env): string => join(harnessStateDir(env), "env");
