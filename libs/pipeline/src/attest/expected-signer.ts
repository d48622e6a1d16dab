import { readFileSync } from "node:fs";
import { Cosign } from "./cosign.ts";
import { AttestError } from "./errors.ts";
import type { ExpectedSigner } from "./signer.ts";
import { GITHUB_OIDC_ISSUER, releaseIdentity, type SigningMode } from "./signing.ts";
import { withToolEnvironment, type RegistryAccess } from "./tool-env.ts";

/**
 * Whose attestations count when reading what a digest carries: the signer
 * this run signs as (publish), or the release's, for a reader that signs
 * nothing (`image:diff`).
 */

/** The signer `mode` signs as: the key's public half (cosign derives it once per process), or the keyless identity. */
export async function expectedSignerOf(mode: SigningMode, access: RegistryAccess): Promise<ExpectedSigner> {
  if (mode.kind === "keyless") return { kind: "keyless", identity: mode.identity, issuer: mode.issuer };
  return withToolEnvironment(access, async (env) => (await Cosign.open(mode, env, env.DOCKER_CONFIG!)).expectedSigner());
}

/**
 * The release's signer for a reader: `--key <cosign.pub>`; else the key pair
 * this machine publishes with (COSIGN_PRIVATE_KEY); else keyless, the
 * configured identity or `release.yml` on main of the GitHub repository the
 * images come from.
 */
export async function releaseSigner(opts: {
  publicKeyFile?: string;
  signingKey?: SigningMode;
  keyless: { identity?: string; issuer?: string };
  source?: string;
  access: RegistryAccess;
}): Promise<ExpectedSigner> {
  if (opts.publicKeyFile) {
    try {
      return { kind: "key", publicKeyPem: readFileSync(opts.publicKeyFile, "utf8") };
    } catch (e) {
      throw new AttestError(
        `--key ${opts.publicKeyFile}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): give the path of a cosign public key`,
      );
    }
  }
  if (opts.signingKey) return expectedSignerOf(opts.signingKey, opts.access);
  const repository = /^https:\/\/github\.com\/([^/]+\/[^/]+?)(?:\.git)?\/?$/.exec(opts.source ?? "")?.[1];
  const identity = opts.keyless.identity ?? (repository ? releaseIdentity("https://github.com", repository) : undefined);
  if (!identity)
    throw new AttestError(
      "only attestations by the release's signer count, and it is not known here: pass --key <cosign.pub> (key pairs), or set signingIdentity in image-tooling.yaml (keyless), or run in a clone of the GitHub repository",
    );
  return { kind: "keyless", identity, issuer: opts.keyless.issuer ?? GITHUB_OIDC_ISSUER };
}
