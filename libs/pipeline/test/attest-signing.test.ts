import { describe, expect, it } from "vitest";
import { GITHUB_OIDC_ISSUER, SigningNotConfigured, identityMatches, releaseIdentity, signingMode, verifyingMode } from "../src/attest/signing.ts";

const github = (workflowRef: string, extra: Record<string, string> = {}) => ({
  GITHUB_ACTIONS: "true",
  ACTIONS_ID_TOKEN_REQUEST_URL: "https://x",
  GITHUB_SERVER_URL: "https://github.com",
  GITHUB_REPOSITORY: "acme/images",
  GITHUB_WORKFLOW_REF: workflowRef,
  ...extra,
});
const RELEASE = "https://github.com/acme/images/.github/workflows/release.yml@refs/heads/main";

describe("signing mode", () => {
  it("a key in the environment signs with the key, on GitHub too", () => {
    expect(signingMode({ COSIGN_PRIVATE_KEY: "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----", COSIGN_PASSWORD: "pw" })).toEqual({
      kind: "key",
      privateKey: "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----",
      password: "pw",
    });
    expect(signingMode({ COSIGN_PRIVATE_KEY: "k", ...github("acme/images/.github/workflows/release.yml@refs/heads/main") }).kind).toBe("key");
  });

  it("releases on GitHub: keyless, expecting exactly this repository's release.yml on refs/heads/main", () => {
    expect(signingMode(github("acme/images/.github/workflows/release.yml@refs/heads/main"), "release")).toEqual({
      kind: "keyless",
      identity: RELEASE,
      issuer: GITHUB_OIDC_ISSUER,
    });
    expect(releaseIdentity("https://github.com", "acme/images")).toBe(RELEASE);
  });

  it("the keyless identity check accepts release.yml@refs/heads/main and refuses another ref, another workflow and another repository", () => {
    expect(identityMatches(RELEASE, RELEASE)).toBe(true);
    for (const other of [
      "https://github.com/acme/images/.github/workflows/release.yml@refs/heads/feature",
      "https://github.com/acme/images/.github/workflows/release.yml@refs/tags/v1",
      "https://github.com/acme/images/.github/workflows/ci.yml@refs/heads/main",
      "https://github.com/evil/images/.github/workflows/release.yml@refs/heads/main",
      "https://github.com/acme/images-fork/.github/workflows/release.yml@refs/heads/main",
      `${RELEASE}x`,
    ]) {
      expect(identityMatches(other, RELEASE), other).toBe(false);
    }
  });

  it("a release dispatched on another branch, or from another workflow, stops before building with what to do", () => {
    for (const ref of ["acme/images/.github/workflows/release.yml@refs/heads/feature", "acme/images/.github/workflows/ci.yml@refs/heads/main"]) {
      const attempt = () => signingMode(github(ref), "release");
      expect(attempt).toThrow(SigningNotConfigured);
      expect(attempt).toThrow(`this job would sign releases as https://github.com/${ref}, but a release must be signed by ${RELEASE}`);
      expect(attempt).toThrow(/publish releases only from release\.yml on refs\/heads\/main/);
    }
  });

  it("branch images are signed as the workflow that made them (ci.yml on the pull request's ref), never as the release", () => {
    const mode = signingMode(github("acme/images/.github/workflows/ci.yml@refs/pull/7/merge"), "branch");
    expect(mode).toEqual({
      kind: "keyless",
      identity: "https://github.com/acme/images/.github/workflows/ci.yml@refs/pull/7/merge",
      issuer: GITHUB_OIDC_ISSUER,
    });
  });

  it("a fork or another host names its own identity and issuer (config signingIdentity / SIGNING_IDENTITY)", () => {
    const fork = "https://github.com/fork/images/.github/workflows/publish.yml@refs/heads/trunk";
    const env = github("fork/images/.github/workflows/publish.yml@refs/heads/trunk", { GITHUB_REPOSITORY: "fork/images" });
    expect(signingMode(env, "release", { identity: fork, issuer: "https://issuer.example" })).toEqual({
      kind: "keyless",
      identity: fork,
      issuer: "https://issuer.example",
    });
    expect(() => signingMode(env, "release")).toThrow(SigningNotConfigured);
  });

  it("neither: one error saying what to set, different on GitHub without id-token", () => {
    expect(() => signingMode({})).toThrow(SigningNotConfigured);
    expect(() => signingMode({})).toThrow(/set COSIGN_PRIVATE_KEY .* and COSIGN_PASSWORD/);
    expect(() => signingMode({ GITHUB_ACTIONS: "true", GITHUB_WORKFLOW_REF: "a/b/.github/workflows/release.yml@refs/heads/main" })).toThrow(/id-token: write/);
  });
});

describe("whose signatures a rescan counts (it reads; it never signs)", () => {
  it("on GitHub, whichever workflow reads and without id-token: the release identity of this repository", () => {
    const env = { GITHUB_ACTIONS: "true", GITHUB_REPOSITORY: "acme/images", GITHUB_WORKFLOW_REF: "acme/images/.github/workflows/rescan.yml@refs/heads/main" };
    expect(verifyingMode(env)).toEqual({ kind: "keyless", identity: releaseIdentity("https://github.com", "acme/images"), issuer: GITHUB_OIDC_ISSUER });
  });

  it("SIGNING_IDENTITY / signingIdentity wins; a key pair means its public half", () => {
    const fork = "https://github.com/fork/images/.github/workflows/publish.yml@refs/heads/trunk";
    expect(verifyingMode({ GITHUB_REPOSITORY: "fork/images" }, { identity: fork })).toMatchObject({ kind: "keyless", identity: fork });
    expect(verifyingMode({ COSIGN_PRIVATE_KEY: "k", COSIGN_PASSWORD: "p" })).toEqual({ kind: "key", privateKey: "k", password: "p" });
  });

  it("no release signer known (a laptop, no key, no identity): one error naming what to set, never a guess", () => {
    expect(() => verifyingMode({})).toThrow(SigningNotConfigured);
    expect(() => verifyingMode({})).toThrow(/set SIGNING_IDENTITY to the release workflow's identity .* or COSIGN_PRIVATE_KEY and COSIGN_PASSWORD/);
  });
});
