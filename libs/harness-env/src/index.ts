import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseEnv } from "node:util";

/**
 * The air-gapped harness's env file, defined once: where it is, which keys a
 * usable one holds, and how it is read. tools/airgap-engine writes it; the
 * pipeline CLI (to find the engine), the harness's own checks and the tests
 * (to find the engine and the registry) read it.
 */
export const DEFAULT_STATE_DIR = "/var/lib/image-tooling/harness";

/** The harness's state directory: $IMAGE_TOOLING_STATE_DIR, else {@link DEFAULT_STATE_DIR}. */
export const harnessStateDir = (env: Record<string, string | undefined>): string => resolve(env.IMAGE_TOOLING_STATE_DIR || DEFAULT_STATE_DIR);

/** The env file `npm run harness -- provision` writes: `<state dir>/env`. */
export const harnessEnvPath = (env: Record<string, string | undefined>): string => join(harnessStateDir(env), "env");

/** Keys a usable env file defines. */
export const REQUIRED_ENV_KEYS = [
  "_EXPERIMENTAL_DAGGER_CLI_BIN",
  "_EXPERIMENTAL_DAGGER_RUNNER_HOST",
  "DO_NOT_TRACK",
  "HARNESS_REGISTRY",
  "HARNESS_ENGINE_REGISTRY",
  "HARNESS_BRIDGE_HOST",
  "HARNESS_TEST_PORTS",
  "HARNESS_ENGINE_TCP",
  "HARNESS_DAGGER_VERSION",
  "HARNESS_DEBIAN_BASE",
  "HARNESS_REGISTRY_IMAGE",
] as const;

export type HarnessEnvKey = (typeof REQUIRED_ENV_KEYS)[number];

/** The env file's variables, or undefined when there is no file (no harness on this machine). */
export function readHarnessEnvFile(file: string): Record<string, string> | undefined {
  if (!existsSync(file)) return undefined;
  return parseEnv(readFileSync(file, "utf8")) as Record<string, string>;
}

/** The required keys an env file lacks (one written by an older harness). */
export const missingHarnessKeys = (vars: Record<string, string | undefined>): HarnessEnvKey[] => REQUIRED_ENV_KEYS.filter((k) => !vars[k]);
