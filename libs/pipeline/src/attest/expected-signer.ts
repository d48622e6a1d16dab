import { readFileSync } from "node:fs";
import { Cosign } from "./cosign.ts";
import { AttestError } from "./errors.ts";
import type { ExpectedSigner } from "./signer.ts";
import type { SigningMode } from "./signing.ts";
import { withToolEnvironment, type RegistryAccess } from "./tool-env.ts";

/**
 * Whose attestations count when reading what a digest carries: the signer
 * this run signs as (publish), the release's for a reader that signs nothing
 * (`image:diff`, as rescan: publish-step.ts rescanSigning), or a given key.
 */

/** The signer `mode` signs as: the key's public half (cosign derives it once per process), or the keyless identity. */
export async function expectedSignerOf(mode: SigningMode, access: RegistryAccess, baseEnv: NodeJS.ProcessEnv): Promise<ExpectedSigner> {
  if (mode.kind === "keyless") return { kind: "keyless", identity: mode.identity, issuer: mode.issuer };
  return withToolEnvironment(access, async (env) => (await Cosign.open(mode, env, env.DOCKER_CONFIG!)).expectedSigner(), baseEnv);
}

/** `--key <cosign.pub>`: a reader that counts what that key signed. */
export function publicKeySigner(file: string): ExpectedSigner {
  try {
    return { kind: "key", publicKeyPem: readFileSync(file, "utf8") };
  } catch (e) {
    throw new AttestError(`--key ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): give the path of a cosign public key`);
  }
}
