/**
 * How this run signs, decided from its environment. Pure.
 *
 * - key: COSIGN_PRIVATE_KEY (the encrypted key file's text, as a CI secret
 *   holds it) and COSIGN_PASSWORD; verified with the matching public key.
 * - keyless: on GitHub Actions with `id-token: write`, cosign trades the
 *   job's OIDC token for a short-lived Fulcio certificate naming the workflow;
 *   the signature is logged in Rekor. Verified by identity and issuer.
 */
export type SigningMode = { kind: "key"; privateKey: string; password: string } | { kind: "keyless"; identityRegexp: string; issuer: string };

export const GITHUB_OIDC_ISSUER = "https://token.actions.githubusercontent.com";

export class SigningNotConfigured extends Error {}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The certificate identity of the workflow file this job runs (any ref), for
 * `cosign verify --certificate-identity-regexp`: Fulcio puts the workflow's
 * URL with its ref in the certificate, e.g.
 * https://github.com/acme/images/.github/workflows/release.yml@refs/heads/main.
 */
export function keylessIdentityRegexp(serverUrl: string, workflowRef: string): string {
  const file = workflowRef.slice(0, workflowRef.indexOf("@") < 0 ? undefined : workflowRef.indexOf("@"));
  return `^${escapeRegExp(`${serverUrl}/${file}`)}@`;
}

export function signingMode(env: Record<string, string | undefined>): SigningMode {
  if (env.COSIGN_PRIVATE_KEY) return { kind: "key", privateKey: env.COSIGN_PRIVATE_KEY, password: env.COSIGN_PASSWORD ?? "" };
  if (env.GITHUB_ACTIONS === "true" && env.ACTIONS_ID_TOKEN_REQUEST_URL && env.GITHUB_WORKFLOW_REF) {
    return {
      kind: "keyless",
      identityRegexp: keylessIdentityRegexp(env.GITHUB_SERVER_URL ?? "https://github.com", env.GITHUB_WORKFLOW_REF),
      issuer: GITHUB_OIDC_ISSUER,
    };
  }
  throw new SigningNotConfigured(
    env.GITHUB_ACTIONS === "true"
      ? "publish signs every image, but this GitHub Actions job has no OIDC token: give the publishing job `permissions: id-token: write`, or set COSIGN_PRIVATE_KEY and COSIGN_PASSWORD secrets"
      : "publish signs every image: set COSIGN_PRIVATE_KEY (the text of a key from `cosign generate-key-pair`) and COSIGN_PASSWORD, or publish from GitHub Actions with `id-token: write` (keyless)",
  );
}

/** What a plan says about signing. */
export function describeSigning(mode: SigningMode): string {
  return mode.kind === "key"
    ? "cosign key pair (COSIGN_PRIVATE_KEY)"
    : `keyless: GitHub OIDC → Fulcio certificate, Rekor log (identity ${mode.identityRegexp})`;
}
