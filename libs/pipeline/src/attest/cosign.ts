import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { execTool, goToolBinary } from "@image-tooling/go-tool";
import type { ExpectedSigner } from "./signer.ts";
import type { SigningMode } from "./signing.ts";
import { AttestError } from "./errors.ts";
import { runRetrying, type ToolRetry } from "./tool-retry.ts";
import { COSIGN } from "./tools.ts";

/** Public keys derived from private keys in this process: a batch run of several images asks cosign once. */
const publicKeys = new Map<string, string>();

/**
 * cosign, by digest. Key pairs sign offline (no Rekor entry, no signing
 * config from Sigstore's TUF repository: our machines reach only the
 * registry), so they are verified with --insecure-ignore-tlog; keyless
 * signatures on GitHub use the public Sigstore instance and its log.
 */
export class Cosign {
  private constructor(
    private readonly bin: string,
    private readonly mode: SigningMode,
    private readonly env: NodeJS.ProcessEnv,
    private readonly registryFlags: string[],
    private readonly retry: ToolRetry | undefined,
    /** Public key file for verification in key mode. */
    private readonly publicKey?: string,
    private readonly publicKeyPem?: string,
  ) {}

  /** `dir` is the private tool directory (withToolEnvironment): the public key is written there. */
  static async open(
    mode: SigningMode,
    env: NodeJS.ProcessEnv,
    dir: string,
    opts: { plainHttp?: boolean; onBuild?: (what: string) => void; retry?: ToolRetry } = {},
  ): Promise<Cosign> {
    const bin = await goToolBinary(COSIGN, { env, onBuild: opts.onBuild });
    const registryFlags = opts.plainHttp ? ["--allow-http-registry", "--allow-insecure-registry"] : [];
    if (mode.kind === "keyless") return new Cosign(bin, mode, env, registryFlags, opts.retry);
    const keyEnv = { ...env, COSIGN_PRIVATE_KEY: mode.privateKey, COSIGN_PASSWORD: mode.password };
    const cacheKey = `${mode.privateKey}\0${mode.password}`;
    let pem = publicKeys.get(cacheKey);
    if (!pem) {
      const pub = await execTool(bin, ["public-key", "--key", "env://COSIGN_PRIVATE_KEY"], keyEnv);
      if (pub.code !== 0) {
        throw new AttestError(
          `COSIGN_PRIVATE_KEY could not be opened with COSIGN_PASSWORD (cosign public-key exit ${pub.code}): ${lastLine(pub.stderr)}. Set both from the same \`cosign generate-key-pair\`.`,
        );
      }
      pem = pub.stdout;
      publicKeys.set(cacheKey, pem);
    }
    const file = join(dir, "cosign.pub");
    writeFileSync(file, pem);
    return new Cosign(bin, mode, keyEnv, registryFlags, opts.retry, file, pem);
  }

  /** Whose signatures count: the configured key's public half, or the keyless identity and issuer. */
  expectedSigner(): ExpectedSigner {
    return this.mode.kind === "key"
      ? { kind: "key", publicKeyPem: this.publicKeyPem! }
      : { kind: "keyless", identity: this.mode.identity, issuer: this.mode.issuer };
  }

  private signFlags(): string[] {
    // Key pairs: no transparency log, no TUF-fetched signing config (offline).
    return this.mode.kind === "key" ? ["--key", "env://COSIGN_PRIVATE_KEY", "--use-signing-config=false", "--tlog-upload=false"] : [];
  }

  private verifyFlags(): string[] {
    return this.mode.kind === "key"
      ? ["--key", this.publicKey!, "--insecure-ignore-tlog=true"]
      : ["--certificate-identity", this.mode.identity, "--certificate-oidc-issuer", this.mode.issuer];
  }

  /** Every cosign call goes through here: retried on network faults (tool-retry.ts); `landed` guards a write against a second copy. */
  private async run(what: string, args: string[], landed?: () => Promise<boolean>): Promise<string> {
    const { result: r, gaveUp } = await runRetrying(`cosign ${what}`, () => execTool(this.bin, [...args, ...this.registryFlags], this.env), this.retry, landed);
    if (r.code !== 0) throw new AttestError(`cosign ${what} failed (exit ${r.code}): ${lastLine(r.stderr)}${gaveUp ? ` (${gaveUp})` : ""}`);
    return r.stdout;
  }

  /** `landed`: whether the registry already holds this signature (asked before a retry). */
  async sign(ref: string, landed?: () => Promise<boolean>): Promise<void> {
    await this.run(`sign ${ref}`, ["sign", "--yes", ...this.signFlags(), ref], landed);
  }

  /** `type`: cosign's predicate type name (spdxjson, slsaprovenance1). `landed`: whether the registry already holds it (asked before a retry). */
  async attest(ref: string, type: string, predicate: unknown, dir: string, landed?: () => Promise<boolean>): Promise<void> {
    const file = join(dir, `predicate-${type}-${Date.now()}.json`);
    writeFileSync(file, JSON.stringify(predicate));
    await this.run(`attest --type ${type} ${ref}`, ["attest", "--yes", ...this.signFlags(), "--type", type, "--predicate", file, ref], landed);
  }

  /** What a user runs: the signature of `ref` checks out against our key or identity. */
  async verify(ref: string): Promise<void> {
    await this.run(`verify ${ref}`, ["verify", ...this.verifyFlags(), ref]);
  }

  /** The verified in-toto statements of one predicate type. */
  async verifyAttestation(ref: string, type: string): Promise<unknown[]> {
    const out = await this.run(`verify-attestation --type ${type} ${ref}`, ["verify-attestation", ...this.verifyFlags(), "--type", type, ref]);
    return out
      .split("\n")
      .filter((l) => l.trim())
      .map((l) => JSON.parse(Buffer.from((JSON.parse(l) as { payload: string }).payload, "base64").toString("utf8")) as unknown);
  }
}

const lastLine = (s: string): string =>
  s
    .trim()
    .split("\n")
    .filter((l) => !/^Flag --\S+ has been deprecated/.test(l) && !/^WARNING: Skipping tlog/.test(l))
    .slice(-2)
    .join(" ") || "no output";
