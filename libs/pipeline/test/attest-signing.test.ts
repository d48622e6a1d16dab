import { describe, expect, it } from "vitest";
import { GITHUB_OIDC_ISSUER, SigningNotConfigured, keylessIdentityRegexp, signingMode } from "../src/attest/signing.ts";

describe("signing mode", () => {
  it("a key in the environment signs with the key, on GitHub too", () => {
    expect(signingMode({ COSIGN_PRIVATE_KEY: "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----", COSIGN_PASSWORD: "pw" })).toEqual({
      kind: "key",
      privateKey: "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----",
      password: "pw",
    });
    expect(
      signingMode({
        COSIGN_PRIVATE_KEY: "k",
        GITHUB_ACTIONS: "true",
        ACTIONS_ID_TOKEN_REQUEST_URL: "https://x",
        GITHUB_WORKFLOW_REF: "a/b/.github/workflows/release.yml@refs/heads/main",
      }).kind,
    ).toBe("key");
  });

  it("on GitHub Actions with an OIDC token, keyless, verified against this workflow file on any ref", () => {
    const mode = signingMode({
      GITHUB_ACTIONS: "true",
      ACTIONS_ID_TOKEN_REQUEST_URL: "https://x",
      GITHUB_SERVER_URL: "https://github.com",
      GITHUB_WORKFLOW_REF: "acme/images/.github/workflows/release.yml@refs/heads/main",
    });
    expect(mode).toEqual({
      kind: "keyless",
      identityRegexp: "^https://github\\.com/acme/images/\\.github/workflows/release\\.yml@",
      issuer: GITHUB_OIDC_ISSUER,
    });
    const re = new RegExp(keylessIdentityRegexp("https://github.com", "acme/images/.github/workflows/release.yml@refs/heads/main"));
    expect(re.test("https://github.com/acme/images/.github/workflows/release.yml@refs/heads/main")).toBe(true);
    expect(re.test("https://github.com/acme/images/.github/workflows/ci.yml@refs/pull/1/merge")).toBe(false);
    expect(re.test("https://github.com/evil/images/.github/workflows/release.yml@refs/heads/main")).toBe(false);
  });

  it("neither: one error saying what to set, different on GitHub without id-token", () => {
    expect(() => signingMode({})).toThrow(SigningNotConfigured);
    expect(() => signingMode({})).toThrow(/set COSIGN_PRIVATE_KEY .* and COSIGN_PASSWORD/);
    expect(() => signingMode({ GITHUB_ACTIONS: "true", GITHUB_WORKFLOW_REF: "a/b/.github/workflows/release.yml@refs/heads/main" })).toThrow(/id-token: write/);
  });
});
