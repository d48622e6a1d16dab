/**
 * How this run signs, and whose signatures count, decided from its
 * environment. Pure.
 *
 * - key: COSIGN_PRIVATE_KEY (the encrypted key file's text, as a CI secret
 *   holds it) and COSIGN_PASSWORD; verified with the matching public key.
 * - keyless: on GitHub Actions with `id-token: write`, cosign trades the
 *   job's OIDC token for a short-lived Fulcio certificate naming the workflow
 *   file and ref; the signature is logged in Rekor. Verified by that exact
 *   identity and GitHub's issuer.
 *
 * The release identity is `release.yml` of this repository on
 * `refs/heads/main`, exactly what README tells users to verify. A job that
 * would sign releases as anything else (a dispatch on another branch, another
 * workflow) stops before it builds: users would reject its signatures, and
 * accepting them here would let any branch sign as the project.
 */
import type { Channel } from "../config/config.ts";

export type SigningMode = { kind: "key"; privateKey: string; password: string } | { kind: "keyless"; identity: string; issuer: string };

export const GITHUB_OIDC_ISSUER = "https://token.actions.githubusercontent.com";

/** Overrides of the keyless identity to expect, for forks and other hosts (config `signing`, env SIGNING_IDENTITY / SIGNING_ISSUER). */
export interface KeylessExpectation {
  identity?: string;
  issuer?: string;
}

export class SigningNotConfigured extends Error {}

/** The certificate identity of `release.yml` of `repository` on main: the only one a release may carry. */
export const releaseIdentity = (serverUrl: string, repository: string): string => `${serverUrl}/${repository}/.github/workflows/release.yml@refs/heads/main`;

/** The identity Fulcio gives the workflow this job runs: its URL at its ref, e.g. https://github.com/acme/images/.github/workflows/ci.yml@refs/pull/7/merge. */
export const runningIdentity = (serverUrl: string, workflowRef: string): string => `${serverUrl}/${workflowRef}`;

/** Whether a certificate identity is exactly the expected one: no prefix, no pattern, no other ref. */
export const identityMatches = (certificateIdentity: string, expected: string): boolean => certificateIdentity === expected;

export function signingMode(env: Record<string, string | undefined>, channel: Channel = "release", expect: KeylessExpectation = {}): SigningMode {
  if (env.COSIGN_PRIVATE_KEY) return { kind: "key", privateKey: env.COSIGN_PRIVATE_KEY, password: env.COSIGN_PASSWORD ?? "" };
  if (env.GITHUB_ACTIONS === "true" && env.ACTIONS_ID_TOKEN_REQUEST_URL && env.GITHUB_WORKFLOW_REF) {
    const server = env.GITHUB_SERVER_URL ?? "https://github.com";
    const running = runningIdentity(server, env.GITHUB_WORKFLOW_REF);
    const repository = env.GITHUB_REPOSITORY ?? env.GITHUB_WORKFLOW_REF.split("/.github/")[0]!;
    // Branch images carry the identity of the workflow that made them (ci.yml on the pull request's ref): never a release's.
    const identity = expect.identity ?? (channel === "release" ? releaseIdentity(server, repository) : running);
    if (!identityMatches(running, identity)) {
      throw new SigningNotConfigured(
        channel === "release"
          ? `this job would sign releases as ${running}, but a release must be signed by ${identity}, the identity users verify: publish releases only from release.yml on refs/heads/main (a fork sets SIGNING_IDENTITY to its own release workflow)`
          : `this job would sign as ${running}, but SIGNING_IDENTITY expects ${identity}: unset SIGNING_IDENTITY, or publish from that workflow`,
      );
    }
    return { kind: "keyless", identity, issuer: expect.issuer ?? GITHUB_OIDC_ISSUER };
  }
  throw new SigningNotConfigured(
    env.GITHUB_ACTIONS === "true"
      ? "publish signs every image, but this GitHub Actions job has no OIDC token: give the publishing job `permissions: id-token: write`, or set COSIGN_PRIVATE_KEY and COSIGN_PASSWORD secrets"
      : "publish signs every image: set COSIGN_PRIVATE_KEY (the text of a key from `cosign generate-key-pair`) and COSIGN_PASSWORD, or publish from GitHub Actions with `id-token: write` (keyless)",
  );
}

/**
 * Whose signatures count for a job that only reads what a release attached
 * (a rescan): the release identity (or SIGNING_IDENTITY), or the key pair's
 * public half. It needs no power to sign: no OIDC token, and the identity is
 * the release's, whichever workflow reads.
 */
export function verifyingMode(env: Record<string, string | undefined>, expect: KeylessExpectation = {}): SigningMode {
  if (env.COSIGN_PRIVATE_KEY) return { kind: "key", privateKey: env.COSIGN_PRIVATE_KEY, password: env.COSIGN_PASSWORD ?? "" };
  const identity =
    expect.identity ?? (env.GITHUB_REPOSITORY ? releaseIdentity(env.GITHUB_SERVER_URL ?? "https://github.com", env.GITHUB_REPOSITORY) : undefined);
  if (!identity) {
    throw new SigningNotConfigured(
      "a rescan counts only the SBOMs and reports the release signed, and no release signer is known here: set SIGNING_IDENTITY to the release workflow's identity (https://github.com/<owner>/<repo>/.github/workflows/release.yml@refs/heads/main, as README's cosign verify line), or COSIGN_PRIVATE_KEY and COSIGN_PASSWORD when releases are signed with a key pair",
    );
  }
  return { kind: "keyless", identity, issuer: expect.issuer ?? GITHUB_OIDC_ISSUER };
}

/** What a plan says about signing. */
export function describeSigning(mode: SigningMode): string {
  return mode.kind === "key"
    ? "cosign key pair (COSIGN_PRIVATE_KEY); only signatures by its public key count"
    : `keyless: GitHub OIDC → Fulcio certificate, Rekor log; only signatures by ${mode.identity} count`;
}
