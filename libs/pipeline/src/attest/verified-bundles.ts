import { createHash } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ExpectedSigner } from "./signer.ts";

/**
 * Bundles already checked on this machine to be signed by an expected signer
 * for a subject. A bundle is content-addressed (its manifest's layer digest),
 * so a verdict about those bytes never goes stale; only "signed by the
 * expected signer" is remembered. It spares a re-run from downloading each
 * platform's SBOM bundle (megabytes) again just to check its signature.
 */
export interface VerifiedBundles {
  has(expected: ExpectedSigner, subject: string, bundleDigest: string): boolean;
  add(expected: ExpectedSigner, subject: string, bundleDigest: string): void;
}

const keyOf = (expected: ExpectedSigner, subject: string, bundleDigest: string): string =>
  createHash("sha256")
    .update(JSON.stringify([expected.kind === "key" ? expected.publicKeyPem.trim() : [expected.identity, expected.issuer], subject, bundleDigest]))
    .digest("hex");

/** Verdicts kept as empty files under `dir` (one per verdict: nothing to parse, nothing to merge). */
export function verifiedBundlesIn(dir: string): VerifiedBundles {
  return {
    has: (e, s, b) => existsSync(join(dir, keyOf(e, s, b))),
    add: (e, s, b) => {
      try {
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, keyOf(e, s, b)), "");
      } catch {
        // A cache that cannot be written only costs the next run a download.
      }
    },
  };
}

/** Remembers nothing: every bundle is downloaded and checked. */
export const noVerifiedBundles: VerifiedBundles = { has: () => false, add: () => {} };
