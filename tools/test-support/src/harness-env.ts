import { existsSync } from "node:fs";
import { type HarnessEnvKey, harnessEnvPath, missingHarnessKeys, readHarnessEnvFile } from "@image-tooling/harness-env";
import { testVulnDb } from "./vuln-db.ts";

export type HarnessEnv = Record<HarnessEnvKey, string> & Record<string, string>;

export class HarnessEnvMissingError extends Error {
  override name = "HarnessEnvMissingError";
}

/** Where provision writes the env file (defined once, where the harness and the pipeline CLI read it too). */
export { harnessEnvPath };

/**
 * Loads the harness env file into process.env (values already set in the
 * environment win, so a developer can point tests elsewhere) and returns it.
 * Throws — never skips — when the harness is absent: a test that needs an
 * engine must fail loudly on a machine without one.
 */
export function loadHarnessEnv(file: string = harnessEnvPath(process.env)): HarnessEnv {
  const vars = readHarnessEnvFile(file);
  if (!vars) {
    throw new HarnessEnvMissingError(
      `The air-gapped Dagger harness is not provisioned: ${file} does not exist.\n` +
        `  run: npm run harness -- provision   (as root; see tools/airgap-engine/README.md)`,
    );
  }
  const missing = missingHarnessKeys(vars);
  if (missing.length) {
    throw new HarnessEnvMissingError(
      `The harness env file ${file} lacks ${missing.join(", ")} (written by an older harness?).\n` + `  run: npm run harness -- provision`,
    );
  }
  const cli = vars._EXPERIMENTAL_DAGGER_CLI_BIN!;
  if (!existsSync(cli)) {
    throw new HarnessEnvMissingError(
      `The harness env file ${file} points at a Dagger CLI that no longer exists (${cli}); was the cache purged?\n` + `  run: npm run harness -- provision`,
    );
  }
  for (const [k, v] of Object.entries(vars)) {
    if (process.env[k] === undefined) process.env[k] = v;
  }
  // The harness reaches no upstream vulnerability database: smoke and publish scan with the offline test one.
  process.env.IMAGE_VULN_DB ??= testVulnDb("base");
  return { ...vars, ...Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]!])) } as HarnessEnv;
}
