import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { goToolBinary } from "@image-tooling/go-tool";
import { COSIGN } from "@image-tooling/pipeline/helper-tools";

export interface TestKeyPair {
  /** The encrypted private key's text, as COSIGN_PRIVATE_KEY holds it. */
  privateKey: string;
  password: string;
  /** Path of the public key file, for `cosign verify --key`. */
  publicKeyFile: string;
  /** COSIGN_PRIVATE_KEY / COSIGN_PASSWORD for a publish. */
  env: Record<string, string>;
}

/** A fresh cosign key pair in a temporary directory, made by the pinned cosign. */
export async function testKeyPair(password = "test-password-not-secret"): Promise<TestKeyPair> {
  const cosign = await goToolBinary(COSIGN, { env: process.env });
  const dir = mkdtempSync(join(tmpdir(), "cosign-keys-"));
  execFileSync(cosign, ["generate-key-pair"], { cwd: dir, env: { ...process.env, COSIGN_PASSWORD: password }, stdio: "pipe" });
  const privateKey = readFileSync(join(dir, "cosign.key"), "utf8");
  return { privateKey, password, publicKeyFile: join(dir, "cosign.pub"), env: { COSIGN_PRIVATE_KEY: privateKey, COSIGN_PASSWORD: password } };
}

/** The in-toto statements `cosign verify-attestation` printed: one JSON envelope a line, payload base64. */
// biome-ignore lint/suspicious/noExplicitAny: tests assert on the statements' shape
export const verifiedStatements = (stdout: string): any[] =>
  stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(Buffer.from(JSON.parse(l).payload, "base64").toString("utf8")));
