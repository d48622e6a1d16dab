import { daggerSdk } from "./sdk.ts";
import type { Logger } from "../log/logger.ts";

export class EngineUnavailableError extends Error {}

/**
 * Opens one Dagger session for the whole run. The SDK finds the engine through
 * _EXPERIMENTAL_DAGGER_CLI_BIN / _EXPERIMENTAL_DAGGER_RUNNER_HOST (or a
 * `dagger run` session); DAGGER_CLOUD_TOKEN, when set, reaches the CLI through
 * the inherited environment and turns on traces.
 */
export async function withDaggerSession<T>(
  log: Logger,
  fn: () => Promise<T>,
  /** env: the run's environment (RunContext.env); a `dagger run` session (DAGGER_SESSION_PORT) gets the SDK's own error, not our hint. */
  opts: { verbose?: boolean; env: Record<string, string | undefined> },
): Promise<T> {
  let result: T;
  // The SDK wraps whatever the callback throws in its own error type; keep
  // ours as thrown, so a smoke failure stays a smoke failure with its results.
  let failure: { error: unknown } | undefined;
  try {
    const { connection } = await daggerSdk();
    await connection(
      async () => {
        try {
          result = await fn();
        } catch (error) {
          failure = { error };
        }
      },
      opts.verbose ? { LogOutput: process.stderr } : {},
    );
  } catch (e) {
    const err = e as Error & { name?: string };
    if (
      /InitEngineSessionBinaryError|EngineSessionError|SessionError|DockerImageRefValidationError|connect ECONNREFUSED/.test(`${err.name} ${err.message}`) &&
      !opts.env.DAGGER_SESSION_PORT
    ) {
      throw new EngineUnavailableError(
        `cannot start a Dagger session: ${err.message.split("\n")[0]}\n  → on this project's air-gapped machines run \`npm run harness -- provision\` and source the env file it prints; elsewhere install the dagger CLI (same version as @dagger.io/dagger) or set _EXPERIMENTAL_DAGGER_CLI_BIN`,
      );
    }
    throw e;
  }
  if (failure) throw failure.error;
  log.info("");
  return result!;
}
