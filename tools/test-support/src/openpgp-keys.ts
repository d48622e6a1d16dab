import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** A throw-away OpenPGP key made with gpg for a test: its home, primary fingerprint and armored public key. */
export interface OpenPgpKey {
  home: string;
  fingerprint: string;
  armored: string;
}

const gpgIn =
  (home: string) =>
  (...args: string[]): string =>
    execFileSync("gpg", ["--batch", "--homedir", home, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

/**
 * Makes an ed25519 key in `<dir>/gnupg-<name>`. By default the primary key
 * signs; with `signingSubkey` the primary only certifies and a subkey signs,
 * as many publishers' keys do (verifiers report the primary's fingerprint).
 */
export function makeOpenPgpKey(dir: string, name: string, opts: { signingSubkey?: boolean } = {}): OpenPgpKey {
  const home = join(dir, `gnupg-${name}`);
  mkdirSync(home, { mode: 0o700 });
  const gpg = gpgIn(home);
  gpg("--passphrase", "", "--quick-gen-key", `${name} <${name}@example.invalid>`, "ed25519", opts.signingSubkey ? "cert" : "sign", "never");
  const fingerprint = /^fpr:+([0-9A-F]{40}):/m.exec(gpg("--with-colons", "--list-keys"))![1]!;
  if (opts.signingSubkey) gpg("--passphrase", "", "--quick-add-key", fingerprint, "ed25519", "sign", "never");
  return { home, fingerprint, armored: gpg("--armor", "--export", fingerprint) };
}

/** A binary detached signature of `content` by `key`. */
export function detachSign(key: OpenPgpKey, content: string): Buffer {
  const file = join(key.home, "to-sign");
  writeFileSync(file, content);
  return execFileSync("gpg", ["--batch", "--homedir", key.home, "--detach-sign", "--output", "-", file]);
}

/** Stops the gpg agent gpg started for this key's home. */
export function stopGpgAgent(key: OpenPgpKey | undefined): void {
  if (key) spawnSync("gpgconf", ["--homedir", key.home, "--kill", "all"]);
}
