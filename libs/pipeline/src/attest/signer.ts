/**
 * Who signed a Sigstore bundle, checked against who we expect. Pure (node:crypto
 * only): the registry is read by referrers.ts.
 *
 * A bundle counts only when its DSSE signature verifies under the expected
 * signer and its statement names the digest it is attached to. "Some bundle of
 * the right type is attached" proves nothing: anyone with write access to the
 * repository can attach one, and a bundle of a rotated key or of a branch's
 * identity is not the release's signature.
 *
 * - key: the signature verifies under the configured public key. That is the
 *   whole of cosign's check for our key-pair signatures (no transparency log).
 * - keyless: the bundle's certificate names exactly the expected identity
 *   (its URI subject alternative name) and OIDC issuer (Fulcio's extension),
 *   and the signature verifies under the certificate's key. That the
 *   certificate chains to Sigstore's Fulcio and is in Rekor is checked by
 *   `cosign verify` with the same identity (attest-image.ts), which needs
 *   Sigstore's trust root.
 */
import { createPublicKey, verify, X509Certificate, type KeyObject } from "node:crypto";

export type ExpectedSigner = { kind: "key"; publicKeyPem: string } | { kind: "keyless"; identity: string; issuer: string };

/** The parts of a Sigstore bundle (v0.3, DSSE) that say who signed what. */
interface Bundle {
  verificationMaterial?: { certificate?: { rawBytes?: string }; x509CertificateChain?: { certificates?: { rawBytes?: string }[] } };
  dsseEnvelope?: { payload?: string; payloadType?: string; signatures?: { sig?: string }[] };
}

export type SignerVerdict = { ok: true } | { ok: false; reason: string };

/** DSSE's pre-authentication encoding: what the signature covers. */
function pae(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType, "utf8");
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload]);
}

/** Fulcio's OIDC issuer extensions: 1.3.6.1.4.1.57264.1.8 (a DER UTF8String) and the older 1.3.6.1.4.1.57264.1.1 (raw bytes). */
const ISSUER_V2 = Buffer.from([0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x83, 0xbf, 0x30, 0x01, 0x08]);
const ISSUER_V1 = Buffer.from([0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x83, 0xbf, 0x30, 0x01, 0x01]);

/** A DER element at `at`: its tag, where its content starts and its length. */
function derElement(der: Buffer, at: number): { tag: number; start: number; length: number } | undefined {
  if (at + 2 > der.length) return undefined;
  const tag = der[at]!;
  let length = der[at + 1]!;
  let start = at + 2;
  if (length & 0x80) {
    const n = length & 0x7f;
    if (n < 1 || n > 3 || start + n > der.length) return undefined;
    length = 0;
    for (let i = 0; i < n; i++) length = (length << 8) | der[start + i]!;
    start += n;
  }
  return start + length <= der.length ? { tag, start, length } : undefined;
}

/** The value of an extension `oid` in a certificate's DER: the extnValue OCTET STRING's content (after an optional `critical`). */
function extensionValue(der: Buffer, oid: Buffer): Buffer | undefined {
  const at = der.indexOf(oid);
  if (at < 0) return undefined;
  let next = derElement(der, at + oid.length);
  if (next?.tag === 0x01) next = derElement(der, next.start + next.length); // critical BOOLEAN
  if (next?.tag !== 0x04) return undefined;
  return der.subarray(next.start, next.start + next.length);
}

/** The OIDC issuer Fulcio wrote into a certificate, if any. */
export function certificateIssuer(der: Buffer): string | undefined {
  const v2 = extensionValue(der, ISSUER_V2);
  if (v2) {
    const s = derElement(v2, 0);
    if (s?.tag === 0x0c) return v2.subarray(s.start, s.start + s.length).toString("utf8");
  }
  return extensionValue(der, ISSUER_V1)?.toString("utf8");
}

/** The URI subject alternative names of a certificate. */
export function certificateUris(cert: X509Certificate): string[] {
  return (cert.subjectAltName ?? "")
    .split(/,\s*/)
    .filter((n) => n.startsWith("URI:"))
    .map((n) => n.slice(4));
}

/** Whether a bundle was signed by `expected` and its statement's subject is `subjectDigest` (`sha256:…`). */
export function checkSigner(bundle: unknown, expected: ExpectedSigner, subjectDigest: string): SignerVerdict {
  const b = bundle as Bundle;
  const env = b.dsseEnvelope;
  const sig = env?.signatures?.[0]?.sig;
  if (!env?.payload || !env.payloadType || !sig) return { ok: false, reason: "not a DSSE bundle" };
  const payload = Buffer.from(env.payload, "base64");

  let key: KeyObject;
  let signer: string;
  if (expected.kind === "key") {
    key = createPublicKey(expected.publicKeyPem);
    signer = "the configured public key";
  } else {
    const raw = b.verificationMaterial?.certificate?.rawBytes ?? b.verificationMaterial?.x509CertificateChain?.certificates?.[0]?.rawBytes;
    if (!raw) return { ok: false, reason: "signed with a key, not a certificate" };
    const der = Buffer.from(raw, "base64");
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(der);
    } catch {
      return { ok: false, reason: "its certificate does not parse" };
    }
    const uris = certificateUris(cert);
    if (!uris.includes(expected.identity))
      return { ok: false, reason: `signed by ${uris.join(", ") || cert.subject || "an unnamed identity"}, not ${expected.identity}` };
    const issuer = certificateIssuer(der);
    if (issuer !== expected.issuer) return { ok: false, reason: `its certificate's OIDC issuer is ${issuer ?? "missing"}, not ${expected.issuer}` };
    key = cert.publicKey;
    signer = expected.identity;
  }

  let valid = false;
  try {
    valid = verify("sha256", pae(env.payloadType, payload), key, Buffer.from(sig, "base64"));
  } catch {
    valid = false;
  }
  if (!valid) return { ok: false, reason: `its signature does not verify under ${signer}` };

  let subjects: { digest?: Record<string, string> }[] = [];
  try {
    subjects = (JSON.parse(payload.toString("utf8")) as { subject?: { digest?: Record<string, string> }[] }).subject ?? [];
  } catch {
    return { ok: false, reason: "its statement is not JSON" };
  }
  const [algorithm, hex] = subjectDigest.split(":");
  if (!subjects.some((s) => s.digest?.[algorithm!] === hex)) return { ok: false, reason: `its statement is about another digest, not ${subjectDigest}` };
  return { ok: true };
}

/** How a plan or log line names the signer we accept. */
export const describeExpected = (expected: ExpectedSigner): string =>
  expected.kind === "key" ? "the configured cosign key" : `${expected.identity} (issuer ${expected.issuer})`;
