import { generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { describe, expect, it } from "vitest";
import { checkSigner } from "../src/attest/signer.ts";

// Key-signed DSSE bundles made here as cosign makes them: an ECDSA P-256
// signature over DSSE's pre-authentication encoding of an in-toto statement.
const DIGEST = `sha256:${"ab".repeat(32)}`;
const TYPE = "application/vnd.in-toto+json";

const keyPair = () => generateKeyPairSync("ec", { namedCurve: "prime256v1" });
const pem = (k: KeyObject) => k.export({ type: "spki", format: "pem" }).toString();

function bundle(privateKey: KeyObject, subjectHex = DIGEST.slice(7), payloadType = TYPE) {
  const payload = Buffer.from(JSON.stringify({ _type: "https://in-toto.io/Statement/v1", subject: [{ digest: { sha256: subjectHex } }], predicateType: "x" }));
  const pae = Buffer.concat([Buffer.from(`DSSEv1 ${payloadType.length} ${payloadType} ${payload.length} `), payload]);
  return {
    mediaType: "application/vnd.dev.sigstore.bundle.v0.3+json",
    verificationMaterial: { publicKey: { hint: "whatever" } },
    dsseEnvelope: { payload: payload.toString("base64"), payloadType, signatures: [{ sig: sign("sha256", pae, privateKey).toString("base64") }] },
  };
}

describe("who signed a bundle (key pairs)", () => {
  const ours = keyPair();
  const theirs = keyPair();
  const expected = { kind: "key", publicKeyPem: pem(ours.publicKey) } as const;

  it("counts a bundle signed by the configured key for this digest", () => {
    expect(checkSigner(bundle(ours.privateKey), expected, DIGEST)).toEqual({ ok: true });
  });

  it("refuses a bundle signed by another key (a branch key, a rotated key, anyone with registry write)", () => {
    expect(checkSigner(bundle(theirs.privateKey), expected, DIGEST)).toEqual({
      ok: false,
      reason: "its signature does not verify under the configured public key",
    });
  });

  it("refuses our own valid bundle copied onto another digest", () => {
    expect(checkSigner(bundle(ours.privateKey, "cd".repeat(32)), expected, DIGEST)).toEqual({
      ok: false,
      reason: `its statement is about another digest, not ${DIGEST}`,
    });
  });

  it("refuses a bundle whose statement was altered after signing", () => {
    const b = bundle(ours.privateKey);
    const statement = JSON.parse(Buffer.from(b.dsseEnvelope.payload, "base64").toString("utf8"));
    statement.predicateType = "changed";
    b.dsseEnvelope.payload = Buffer.from(JSON.stringify(statement)).toString("base64");
    expect(checkSigner(b, expected, DIGEST).ok).toBe(false);
  });

  it("refuses what is not a DSSE bundle, and a keyless expectation refuses a key-signed bundle", () => {
    expect(checkSigner({}, expected, DIGEST)).toEqual({ ok: false, reason: "not a DSSE bundle" });
    expect(checkSigner(bundle(ours.privateKey), { kind: "keyless", identity: "https://x", issuer: "https://y" }, DIGEST)).toEqual({
      ok: false,
      reason: "signed with a key, not a certificate",
    });
  });
});
