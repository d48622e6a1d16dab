/**
 * fetch-tools' OpenPGP signature check and TOOLS_MIRROR, run on this machine
 * (curl, jq, gpgv, sqv, sha256sum; gpg only to make the test's keys) against a local HTTPS server standing in for the
 * download host and for an artifact proxy (upstream hosts cannot be reached
 * here). The signing keys are throw-away keys made for the test; the AWS
 * CLI's real key is pinned in the locks and checked at image build time.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { detachSign, makeOpenPgpKey, stopGpgAgent, type OpenPgpKey } from "@image-tooling/test-support/openpgp-keys";
import { startUpstreamServer, type UpstreamServer } from "@image-tooling/test-support/upstream-server";

const FETCH = resolve(dirname(fileURLToPath(import.meta.url)), "../rootfs/usr/local/libexec/toolbox/fetch-tools");
const sha256 = (s: string): string => createHash("sha256").update(s).digest("hex");
let up: UpstreamServer;
let dir: string;
let base: string;

type Key = OpenPgpKey;
const makeKey = (name: string): Key => makeOpenPgpKey(dir, name);
const sign = detachSign;

/** Runs fetch-tools asynchronously: the stand-in server lives in this process and must keep answering. */
function fetchTools(lock: object, env: Record<string, string> = {}): Promise<{ status: number; stderr: string; out: string }> {
  const lockFile = join(dir, `tools-${Math.random().toString(36).slice(2)}.lock.json`);
  const out = join(dir, `out-${Math.random().toString(36).slice(2)}`);
  writeFileSync(lockFile, JSON.stringify(lock));
  const child = spawn("sh", [FETCH, lockFile, out], {
    env: { ...process.env, TARGETARCH: "arm64", CURL_CA_BUNDLE: up.caFile, TOOLS_MIRROR: "", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolve) => child.on("close", (code) => resolve({ status: code ?? 1, stderr, out })));
}

const demoLock = (url: string, sha: string, signature?: object) => ({
  image: "demo",
  tools: {
    demo: {
      version: "1.0.0",
      url,
      sha256: { amd64: "0".repeat(64), arm64: sha },
      archive: "binary",
      install: "/usr/local/bin/demo",
      ...(signature ? { signature } : {}),
    },
  },
});

// A PATH holding only what fetch-tools may use: gpg is not among them (the fetch stage does not install it).
const pathWith = (commands: string[]): string => {
  const bin = mkdtempSync(join(dir, "bin-"));
  for (const c of commands) symlinkSync(execFileSync("sh", ["-c", `command -v ${c}`], { encoding: "utf8" }).trim(), join(bin, c));
  return bin;
};
const BASICS = ["sh", "curl", "jq", "sha256sum", "sed", "base64", "awk", "grep", "mktemp", "rm", "mkdir", "install", "dirname", "cut", "cat"];

let pinned: Key;
let other: Key;
let withSubkey: Key;
const CONTENT = "#!/bin/sh\necho demo 1.0.0\n";

beforeAll(async () => {
  const missing = ["curl", "jq", "gpg", "gpgv", "sqv", "sha256sum"].filter((c) => spawnSync("sh", ["-c", `command -v ${c}`]).status !== 0);
  if (missing.length)
    throw new Error(
      `fetch-tools needs ${missing.join(", ")} on this machine: apt-get install ${missing.map((c) => (c === "sha256sum" ? "coreutils" : c)).join(" ")}`,
    );
  dir = mkdtempSync(join(tmpdir(), "fetch-tools-host-"));
  up = await startUpstreamServer([]);
  base = `https://127.0.0.1:${up.port}`;
  pinned = makeKey("pinned");
  other = makeKey("other");
  up.route(`${base}/demo-1.0.0-arm64`, CONTENT);
  up.route(`${base}/demo-1.0.0-arm64.sig`, sign(pinned, CONTENT));
  up.route(`${base}/other/demo-1.0.0-arm64`, CONTENT);
  up.route(`${base}/other/demo-1.0.0-arm64.sig`, sign(other, CONTENT));
  withSubkey = makeOpenPgpKey(dir, "subkey", { signingSubkey: true });
  up.route(`${base}/subkey/demo-1.0.0-arm64`, CONTENT);
  up.route(`${base}/subkey/demo-1.0.0-arm64.sig`, sign(withSubkey, CONTENT));
}, 60_000);
afterAll(async () => {
  await up?.close();
  // gpg starts an agent per home directory; stop the ones this test started.
  for (const key of [pinned, other, withSubkey]) stopGpgAgent(key);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("fetch-tools: a pinned OpenPGP signature is checked after the sha256 (local HTTPS stand-in for the download host)", () => {
  const signature = (prefix: string, key: Key, fingerprint = key.fingerprint) => ({
    url: `${base}${prefix}/demo-{version}-{arch}.sig`,
    fingerprint,
    keySource: "https://example.invalid/key",
    key: key.armored,
  });

  it("installs a download signed by the pinned key", async () => {
    const r = await fetchTools(demoLock(`${base}/demo-{version}-{arch}`, sha256(CONTENT), signature("", pinned)));
    expect(r.stderr).toContain(`fetch-tools: demo 1.0.0 (arm64): signature by ${pinned.fingerprint} verified with gpgv`);
    expect(r.status).toBe(0);
    expect(readFileSync(join(r.out, "usr/local/bin/demo"), "utf8")).toBe(CONTENT);
  });

  it("refuses a download signed by another key, although its sha256 matches", async () => {
    const r = await fetchTools(demoLock(`${base}/other/demo-{version}-{arch}`, sha256(CONTENT), signature("/other", pinned)));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      `fetch-tools: demo 1.0.0 (arm64): OpenPGP signature check failed for ${base}/other/demo-1.0.0-arm64 (signature ${base}/other/demo-1.0.0-arm64.sig, key ${pinned.fingerprint}): gpgv: Can't check signature: No public key\n`,
    );
    expect(existsSync(join(r.out, "usr/local/bin/demo"))).toBe(false);
  });

  it("refuses a good signature by a key that is not the pinned fingerprint", async () => {
    const r = await fetchTools(
      demoLock(`${base}/other/demo-{version}-{arch}`, sha256(CONTENT), { ...signature("/other", other), fingerprint: pinned.fingerprint }),
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      `fetch-tools: demo 1.0.0 (arm64): ${base}/other/demo-1.0.0-arm64 is signed by '${other.fingerprint}', not the pinned key ${pinned.fingerprint}`,
    );
    expect(existsSync(join(r.out, "usr/local/bin/demo"))).toBe(false);
  });

  it("verifies with apt's own gpgv, without gpg", async () => {
    const r = await fetchTools(demoLock(`${base}/demo-{version}-{arch}`, sha256(CONTENT), signature("", pinned)), { PATH: pathWith([...BASICS, "gpgv"]) });
    expect(r.stderr).toContain("signature by");
    expect(r.status).toBe(0);
  });

  it("says what is missing when neither gpgv nor sqv is installed", async () => {
    const r = await fetchTools(demoLock(`${base}/demo-{version}-{arch}`, sha256(CONTENT), signature("", pinned)), { PATH: pathWith(BASICS) });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("fetch-tools: demo: the lock pins an OpenPGP signature but neither gpgv nor sqv is installed");
  });
});

/**
 * Debian 13 (trixie, the base of toolbox-base) verifies apt's archive with
 * sqv and does not install gpgv; fetch-tools picks gpgv whenever it is
 * installed, else sqv. The harness seeds no trixie image, so the branch runs
 * here as the script selects it on trixie: sqv on the PATH, gpgv not (real sqv,
 * from the host's Debian; the keys made for the test with gpg).
 */
describe("fetch-tools: the sqv branch (as on trixie: sqv installed, gpgv not)", () => {
  const signature = (prefix: string, key: Key, fingerprint = key.fingerprint) => ({
    url: `${base}${prefix}/demo-{version}-{arch}.sig`,
    fingerprint,
    keySource: "https://example.invalid/key",
    key: key.armored,
  });
  const asOnTrixie = () => ({ PATH: pathWith([...BASICS, "sqv"]) });

  it("the PATH it runs with has sqv and no gpgv", () => {
    const { PATH } = asOnTrixie();
    const has = (c: string) => spawnSync("sh", ["-c", `command -v ${c}`], { env: { PATH } }).status === 0;
    expect([has("sqv"), has("gpgv"), has("gpg")]).toEqual([true, false, false]);
  });

  it("installs a download signed by the pinned key, verified with sqv", async () => {
    const r = await fetchTools(demoLock(`${base}/demo-{version}-{arch}`, sha256(CONTENT), signature("", pinned)), asOnTrixie());
    expect(r.stderr).toContain(`fetch-tools: demo 1.0.0 (arm64): signature by ${pinned.fingerprint} verified with sqv`);
    expect(r.status).toBe(0);
    expect(readFileSync(join(r.out, "usr/local/bin/demo"), "utf8")).toBe(CONTENT);
  });

  it("a key whose subkey signs is reported by its pinned primary fingerprint", async () => {
    const r = await fetchTools(demoLock(`${base}/subkey/demo-{version}-{arch}`, sha256(CONTENT), signature("/subkey", withSubkey)), asOnTrixie());
    expect(r.stderr).toContain(`signature by ${withSubkey.fingerprint} verified with sqv`);
    expect(r.status).toBe(0);
  });

  it("refuses a download signed by another key than the lock's, although its sha256 matches, and installs nothing", async () => {
    const r = await fetchTools(demoLock(`${base}/other/demo-{version}-{arch}`, sha256(CONTENT), signature("/other", pinned)), asOnTrixie());
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      `fetch-tools: demo 1.0.0 (arm64): OpenPGP signature check failed for ${base}/other/demo-1.0.0-arm64 (signature ${base}/other/demo-1.0.0-arm64.sig, key ${pinned.fingerprint}): Missing key ${other.fingerprint}, which is needed to verify signature.\n`,
    );
    expect(r.stderr).not.toContain("verified");
    expect(existsSync(join(r.out, "usr/local/bin/demo"))).toBe(false);
  });

  it("refuses a good signature whose key is not the pinned fingerprint (a lock whose key was swapped)", async () => {
    const r = await fetchTools(
      demoLock(`${base}/other/demo-{version}-{arch}`, sha256(CONTENT), { ...signature("/other", other), fingerprint: pinned.fingerprint }),
      asOnTrixie(),
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      `fetch-tools: demo 1.0.0 (arm64): ${base}/other/demo-1.0.0-arm64 is signed by '${other.fingerprint}', not the pinned key ${pinned.fingerprint}`,
    );
    expect(existsSync(join(r.out, "usr/local/bin/demo"))).toBe(false);
  });

  it("refuses a signature of other content (a download swapped together with its sha256)", async () => {
    up.route(`${base}/swapped/demo-1.0.0-arm64`, "#!/bin/sh\necho swapped\n");
    up.route(`${base}/swapped/demo-1.0.0-arm64.sig`, sign(pinned, CONTENT));
    const r = await fetchTools(
      demoLock(`${base}/swapped/demo-{version}-{arch}`, sha256("#!/bin/sh\necho swapped\n"), signature("/swapped", pinned)),
      asOnTrixie(),
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`fetch-tools: demo 1.0.0 (arm64): OpenPGP signature check failed for ${base}/swapped/demo-1.0.0-arm64`);
  });

  it("selection: gpgv when both are installed (Debian 12), sqv when only it is (Debian 13)", async () => {
    const lock = demoLock(`${base}/demo-{version}-{arch}`, sha256(CONTENT), signature("", pinned));
    const both = await fetchTools(lock, { PATH: pathWith([...BASICS, "gpgv", "sqv"]) });
    expect(both.stderr).toContain("verified with gpgv");
    const sqvOnly = await fetchTools(lock, asOnTrixie());
    expect(sqvOnly.stderr).toContain("verified with sqv");
  });
});

describe("fetch-tools: lock paths stay inside its staging and extraction folders", () => {
  it.each([
    [
      "install",
      { install: "/usr/local/../../../tmp/escaped" },
      "fetch-tools: demo: install path '/usr/local/../../../tmp/escaped' in LOCK contains '..': name the path in the image directly",
    ],
    [
      "member",
      { archive: "tar.gz", member: "../../etc/passwd" },
      "fetch-tools: demo: member '../../etc/passwd' in LOCK contains '..': name the executable's path inside the archive",
    ],
    [
      "member",
      { archive: "tar.gz", member: "/etc/passwd" },
      "fetch-tools: demo: member '/etc/passwd' in LOCK is absolute: name the executable's path inside the archive",
    ],
  ])("refuses a %s path %j before downloading anything", async (_field, over, message) => {
    const lock = demoLock(`${base}/demo-{version}-{arch}`, sha256(CONTENT));
    Object.assign(lock.tools.demo, over);
    const r = await fetchTools(lock);
    expect(r.status).toBe(1);
    expect(r.stderr.replace(/\/\S+\.lock\.json/, "LOCK")).toBe(`${message}\n`);
  });
});

describe("the AWS CLI's signing key pinned in the locks", () => {
  it.each(["buildx", "tooling-k8s-aws"])("%s: the armored key has the pinned fingerprint", (image) => {
    const lock = JSON.parse(readFileSync(resolve(dirname(FETCH), "../../../../../..", image, "tools.lock.json"), "utf8")) as {
      tools: { aws: { signature: { key: string; fingerprint: string } } };
    };
    const keyFile = join(dir, `${image}-aws.asc`);
    writeFileSync(keyFile, lock.tools.aws.signature.key);
    mkdirSync(join(dir, "show-keys"), { recursive: true, mode: 0o700 });
    const shown = execFileSync("gpg", ["--batch", "--with-colons", "--show-keys", keyFile], {
      encoding: "utf8",
      env: { ...process.env, GNUPGHOME: join(dir, "show-keys") },
    });
    expect(/^fpr:+([0-9A-F]{40}):/m.exec(shown)![1]).toBe(lock.tools.aws.signature.fingerprint);
    expect(lock.tools.aws.signature.fingerprint).toBe("FB5DB77FD5C118B80511ADA8A6310ACC4672475C");
  });
});

describe("fetch-tools: TOOLS_MIRROR (local HTTPS server standing in for an artifact proxy)", () => {
  const UPSTREAM = "https://upstream.example.invalid/releases";
  const mirror = () => `${UPSTREAM}/=${base}/mirror/`;

  it("downloads through the mirror and checks the same sha256", async () => {
    up.route(`${base}/mirror/demo-1.0.0-arm64`, CONTENT);
    const r = await fetchTools(demoLock(`${UPSTREAM}/demo-{version}-{arch}`, sha256(CONTENT)), {
      TOOLS_MIRROR: `https://unrelated.example.invalid/=https://nowhere.invalid/ ${mirror()}`,
    });
    expect(r.stderr).toContain(`fetch-tools: demo 1.0.0 (arm64) from ${base}/mirror/demo-1.0.0-arm64`);
    expect(r.status).toBe(0);
    expect(readFileSync(join(r.out, "usr/local/bin/demo"), "utf8")).toBe(CONTENT);
  });

  it("a mirror serving another file cannot substitute it", async () => {
    up.route(`${base}/mirror/demo-1.0.0-arm64`, "#!/bin/sh\necho not demo\n");
    const r = await fetchTools(demoLock(`${UPSTREAM}/demo-{version}-{arch}`, sha256(CONTENT)), { TOOLS_MIRROR: mirror() });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      `fetch-tools: demo 1.0.0 (arm64): sha256 mismatch: expected ${sha256(CONTENT)}, got ${sha256("#!/bin/sh\necho not demo\n")} from ${base}/mirror/demo-1.0.0-arm64`,
    );
  });

  it("a malformed entry stops with a message naming it", async () => {
    const r = await fetchTools(demoLock(`${UPSTREAM}/demo-{version}-{arch}`, sha256(CONTENT)), { TOOLS_MIRROR: "https://upstream.example.invalid/" });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("fetch-tools: TOOLS_MIRROR entry 'https://upstream.example.invalid/' is not UPSTREAM_PREFIX=MIRROR_PREFIX");
  });
});
