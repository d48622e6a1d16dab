import { stripVTControlCharacters } from "node:util";
import { AttestError } from "./errors.ts";
import { execTool, goToolBinary } from "@image-tooling/go-tool";
import type { SpdxDocument } from "./sbom.ts";
import { runRetrying, type ToolRetry } from "./tool-retry.ts";
import { SYFT } from "./tools.ts";

/**
 * syft's SPDX 2.3 JSON of one platform's image, read from the registry by
 * digest — exactly the bytes that were pushed and smoke-tested, not a local
 * copy. `env` comes from withToolEnvironment (credentials, plain HTTP).
 */
export async function scanImage(ref: string, env: NodeJS.ProcessEnv, onBuild?: (what: string) => void, retry?: ToolRetry): Promise<SpdxDocument> {
  const syft = await goToolBinary(SYFT, { env, onBuild });
  // --from registry: never look for a local Docker daemon's copy of the image. Its pulls are reads: retried freely.
  // No -q: quiet syft exits 1 with nothing on stderr, and then a network fault cannot be told from anything else.
  const scan = async () => {
    const r = await execTool(syft, ["scan", ref, "--from", "registry", "-o", "spdx-json"], env);
    // syft colours its error lines even when stderr is no terminal.
    return { ...r, stderr: stripVTControlCharacters(r.stderr) };
  };
  const { result: r, gaveUp } = await runRetrying(`syft scan ${ref}`, scan, retry);
  if (r.code !== 0)
    throw new AttestError(
      `syft ${SYFT.version} could not scan ${ref} (exit ${r.code}): ${r.stderr.trim().split("\n").slice(-5).join(" ")}${gaveUp ? ` (${gaveUp})` : ""}`,
    );
  try {
    return JSON.parse(r.stdout) as SpdxDocument;
  } catch (e) {
    throw new AttestError(`syft ${SYFT.version} wrote no SPDX JSON for ${ref}: ${(e as Error).message}`);
  }
}
