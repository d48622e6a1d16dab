import { createPrivateKey, sign } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newKey } from "@image-tooling/test-support/openssl";
import { certificateIssuer, checkSigner } from "../src/attest/signer.ts";

// Keyless bundles as cosign writes them on GitHub: a short-lived certificate
// whose URI subject alternative name is the workflow at its ref and whose
// Fulcio extension names the OIDC issuer. The certificates are made by the
// real openssl with those extensions (Fulcio itself cannot be reached here;
// that a real certificate chains to Fulcio is cosign's check, run by publish).
const RELEASE = "https://github.com/acme/images/.github/workflows/release.yml@refs/heads/main";
const ISSUER = "https://token.actions.githubusercontent.com";
const DIGEST = `sha256:${"ab".repeat(32)}`;
const TYPE = "application/vnd.in-toto+json";

describe("who signed a keyless bundle", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "keyless-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A certificate for `identity` from `issuer` (v2 extension, or the older raw v1), and a DSSE bundle signed with its key. */
  function keylessBundle(name: string, identity: string, issuer: string, v1 = false) {
    const issuerExt = v1
      ? `1.3.6.1.4.1.57264.1.1=DER:${Buffer.from(issuer)
          .toString("hex")
          .replace(/(..)(?!$)/g, "$1:")}`
      : `1.3.6.1.4.1.57264.1.8=ASN1:UTF8String:${issuer}`;
    newKey(dir, { keyFile: `${name}.key`, out: `${name}.pem`, subject: "/O=sigstore.dev", extensions: [`subjectAltName=URI:${identity}`, issuerExt] });
    const cert = readFileSync(join(dir, `${name}.pem`), "utf8");
    const der = Buffer.from(cert.replace(/-----[^-]+-----/g, "").replace(/\s/g, ""), "base64");
    const payload = Buffer.from(JSON.stringify({ subject: [{ digest: { sha256: DIGEST.slice(7) } }] }));
    const pae = Buffer.concat([Buffer.from(`DSSEv1 ${TYPE.length} ${TYPE} ${payload.length} `), payload]);
    const key = createPrivateKey(readFileSync(join(dir, `${name}.key`)));
    return {
      der,
      bundle: {
        verificationMaterial: { certificate: { rawBytes: der.toString("base64") } },
        dsseEnvelope: { payload: payload.toString("base64"), payloadType: TYPE, signatures: [{ sig: sign("sha256", pae, key).toString("base64") }] },
      },
    };
  }
  const expected = { kind: "keyless", identity: RELEASE, issuer: ISSUER } as const;

  it("reads Fulcio's issuer extension, in its current and its older form", () => {
    expect(certificateIssuer(keylessBundle("v2", RELEASE, ISSUER).der)).toBe(ISSUER);
    expect(certificateIssuer(keylessBundle("v1", RELEASE, ISSUER, true).der)).toBe(ISSUER);
  });

  it("counts release.yml@refs/heads/main of this repository from GitHub's issuer", () => {
    expect(checkSigner(keylessBundle("ok", RELEASE, ISSUER).bundle, expected, DIGEST)).toEqual({ ok: true });
    expect(checkSigner(keylessBundle("ok1", RELEASE, ISSUER, true).bundle, expected, DIGEST)).toEqual({ ok: true });
  });

  it("refuses another ref, another workflow, another repository and another issuer", () => {
    for (const [name, identity] of [
      ["ref", "https://github.com/acme/images/.github/workflows/release.yml@refs/heads/feature"],
      ["workflow", "https://github.com/acme/images/.github/workflows/ci.yml@refs/pull/7/merge"],
      ["repo", "https://github.com/evil/images/.github/workflows/release.yml@refs/heads/main"],
    ] as const) {
      const verdict = checkSigner(keylessBundle(name, identity, ISSUER).bundle, expected, DIGEST);
      expect(verdict, name).toEqual({ ok: false, reason: `signed by ${identity}, not ${RELEASE}` });
    }
    expect(checkSigner(keylessBundle("issuer", RELEASE, "https://issuer.example").bundle, expected, DIGEST)).toEqual({
      ok: false,
      reason: `its certificate's OIDC issuer is https://issuer.example, not ${ISSUER}`,
    });
  });

  it("refuses a bundle whose certificate names us but whose signature was made by another key", () => {
    const ours = keylessBundle("ours", RELEASE, ISSUER);
    const forged = keylessBundle("forged", "https://github.com/evil/x/.github/workflows/a.yml@refs/heads/main", ISSUER);
    const mixed = { ...forged.bundle, verificationMaterial: ours.bundle.verificationMaterial };
    expect(checkSigner(mixed, expected, DIGEST)).toEqual({ ok: false, reason: `its signature does not verify under ${RELEASE}` });
  });
});
