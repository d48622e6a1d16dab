import { spawnSync } from "node:child_process";
import { requireBinary } from "./binaries.ts";

/** Runs openssl in `cwd`; throws with what it printed when it fails. */
export function openssl(cwd: string, args: string[]): void {
  const r = spawnSync(requireBinary("openssl", "openssl"), args, { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr || r.error}`);
}

export interface NewKeyOptions {
  /** Where the private key goes (PEM). */
  keyFile: string;
  /** Where the certificate, or with `request`, the signing request goes (PEM). */
  out: string;
  /** `/CN=…` */
  subject: string;
  /** Make a signing request for a CA to sign instead of a self-signed certificate. */
  request?: boolean;
  /** `-addext` values, e.g. `basicConstraints=critical,CA:TRUE`. */
  extensions?: string[];
}

/** A fresh P-256 key with a self-signed certificate valid for two days (or a signing request), for test servers. */
export function newKey(cwd: string, o: NewKeyOptions): void {
  const selfSigned = o.request ? [] : ["-x509", "-days", "2"];
  const key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", o.keyFile];
  openssl(cwd, ["req", ...selfSigned, ...key, "-out", o.out, "-subj", o.subject, ...(o.extensions ?? []).flatMap((e) => ["-addext", e])]);
}
