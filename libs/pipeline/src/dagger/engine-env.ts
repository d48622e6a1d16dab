import { harnessEnvPath, readHarnessEnvFile } from "@image-tooling/harness-env";

/**
 * On a machine with the harness and no engine configured otherwise, use the
 * harness's engine, so `npx nx run <image>:smoke` works without sourcing
 * anything. An explicit engine (a `dagger run` session or a CLI path) wins.
 * Returns the file used, if any. Writes the harness's variables into `env`
 * itself: the Dagger SDK reads process.env on its own, so the edge passes
 * process.env here.
 */
export function adoptHarnessEngine(env: Record<string, string | undefined>): string | undefined {
  if (env.DAGGER_SESSION_PORT || env._EXPERIMENTAL_DAGGER_CLI_BIN) return undefined;
  // Where `npm run harness -- provision` leaves the env file that points the
  // SDK at the air-gapped engine (tools/airgap-engine owns the format).
  const file = harnessEnvPath(env);
  const vars = readHarnessEnvFile(file);
  if (!vars) return undefined;
  for (const [k, v] of Object.entries(vars)) if (env[k] === undefined) env[k] = v;
  return file;
}
