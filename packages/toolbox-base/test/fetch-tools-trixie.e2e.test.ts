/**
 * fetch-tools' sqv branch on a real Debian trixie base (toolbox-base's
 * release), on the harness's engine like fetch-tools.e2e.test.ts. trixie's apt
 * depends on sqv and ships no gpgv, so the script takes its sqv branch there,
 * with trixie's own sqv. The harness seeds only bookworm, so the trixie root
 * filesystem is made with debootstrap (test-support's debianRootfs, cached);
 * the HTTPS file server runs on the seeded base. Keys are throw-away keys made
 * here with gpg. Fails, never skips, without the harness, root or debootstrap.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connection, dag, type Platform } from "@dagger.io/dagger";
import { debianRootfs } from "@image-tooling/test-support/debian-rootfs";
import { loadHarnessEnv } from "@image-tooling/test-support/harness-env";
import { detachSign, makeOpenPgpKey, stopGpgAgent, type OpenPgpKey } from "@image-tooling/test-support/openpgp-keys";
import { Scenarios } from "@image-tooling/test-support/scenarios";
import { createHash } from "node:crypto";

const FETCH = resolve(dirname(fileURLToPath(import.meta.url)), "../rootfs/usr/local/libexec/toolbox/fetch-tools");
const CONTENT = "#!/bin/sh\necho demo 1.0.0\n";
const sha256 = (s: string): string => createHash("sha256").update(s).digest("hex");

const scenarios = new Scenarios();
let dir: string;
let pinned: OpenPgpKey;
let other: OpenPgpKey;

beforeAll(async () => {
  const env = loadHarnessEnv();
  const rootfs = debianRootfs("trixie", ["ca-certificates", "curl", "jq"]);
  dir = mkdtempSync(join(tmpdir(), "fetch-tools-trixie-"));
  pinned = makeOpenPgpKey(dir, "pinned");
  other = makeOpenPgpKey(dir, "other");
  const www = join(dir, "www");
  mkdirSync(join(www, "other"), { recursive: true });
  writeFileSync(join(www, "demo-1.0.0-amd64"), CONTENT);
  writeFileSync(join(www, "demo-1.0.0-amd64.sig"), detachSign(pinned, CONTENT));
  writeFileSync(join(www, "other/demo-1.0.0-amd64"), CONTENT);
  writeFileSync(join(www, "other/demo-1.0.0-amd64.sig"), detachSign(other, CONTENT));

  const lock = (prefix: string, key: OpenPgpKey, fingerprint = key.fingerprint): string =>
    JSON.stringify({
      image: "demo",
      tools: {
        demo: {
          version: "1.0.0",
          url: `https://files:8443${prefix}/demo-{version}-{arch}`,
          sha256: { amd64: sha256(CONTENT), arm64: "0".repeat(64) },
          archive: "binary",
          install: "/usr/local/bin/demo",
          signature: { url: `https://files:8443${prefix}/demo-{version}-{arch}.sig`, fingerprint, keySource: "https://example.invalid/key", key: key.armored },
        },
      },
    });

  await connection(async () => {
    const server = dag
      .container()
      .from(env.HARNESS_DEBIAN_BASE)
      .withExec(["sh", "-c", "apt-get update -qq && apt-get install -qq -y --no-install-recommends openssl >/dev/null"])
      .withExec([
        "openssl",
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=files",
        "-addext",
        "subjectAltName=DNS:files",
        "-keyout",
        "/srv/key.pem",
        "-out",
        "/srv/cert.pem",
      ])
      .withDirectory("/srv/www", dag.host().directory(www))
      .withWorkdir("/srv/www")
      .withExposedPort(8443);
    const files = server.asService({ args: ["openssl", "s_server", "-quiet", "-accept", "8443", "-WWW", "-cert", "/srv/cert.pem", "-key", "/srv/key.pem"] });

    const trixie = dag
      .container({ platform: "linux/amd64" as Platform })
      .withRootfs(dag.host().directory(rootfs, { exclude: ["dev", "proc", "sys", "run"] }))
      .withEnvVariable("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
      .withServiceBinding("files", files)
      .withFile("/ca.pem", server.file("/srv/cert.pem"))
      .withEnvVariable("CURL_CA_BUNDLE", "/ca.pem")
      .withEnvVariable("TARGETARCH", "amd64")
      .withFile("/usr/local/bin/fetch-tools", dag.host().file(FETCH), { permissions: 0o755 })
      .withEnvVariable("E2E_RUN", String(Date.now()));
    const run = (key: string, lockText: string) =>
      scenarios.exec(key, trixie.withNewFile("/lock.json", lockText), [
        "sh",
        "-c",
        "fetch-tools /lock.json /out; rc=$?; ls /out/usr/local/bin 2>/dev/null; echo rc=$rc",
      ]);
    await Promise.all([
      scenarios.exec("base", trixie, ["sh", "-c", ". /etc/os-release; echo $VERSION_CODENAME; command -v gpgv || echo no-gpgv; sqv --version"]),
      run("pinned", lock("", pinned)),
      run("other-key", lock("/other", pinned)),
      run("not-pinned", lock("/other", other, pinned.fingerprint)),
    ]);
  });
}, 20 * 60_000);

afterAll(() => {
  stopGpgAgent(pinned);
  stopGpgAgent(other);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("fetch-tools on Debian trixie verifies signatures with trixie's sqv", () => {
  it("the base is trixie, with sqv and without gpgv (what the script's selection sees)", () => {
    const r = scenarios.get("base");
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^trixie\nno-gpgv\nsqv \d+\.\d+/);
  });

  it("installs a download signed by the pinned key, verified with sqv", () => {
    const r = scenarios.get("pinned");
    expect(r.stderr).toContain(`fetch-tools: demo 1.0.0 (amd64): signature by ${pinned.fingerprint} verified with sqv`);
    expect(r.stdout).toBe("demo\nrc=0\n");
  });

  it("refuses a download signed by another key, although its sha256 matches, and installs nothing", () => {
    const r = scenarios.get("other-key");
    expect(r.stderr).toContain(
      `fetch-tools: demo 1.0.0 (amd64): OpenPGP signature check failed for https://files:8443/other/demo-1.0.0-amd64 (signature https://files:8443/other/demo-1.0.0-amd64.sig, key ${pinned.fingerprint}): Missing key ${other.fingerprint}, which is needed to verify signature.\n`,
    );
    expect(r.stdout).toBe("rc=1\n");
  });

  it("refuses a good signature by a key that is not the pinned fingerprint", () => {
    const r = scenarios.get("not-pinned");
    expect(r.stderr).toContain(
      `fetch-tools: demo 1.0.0 (amd64): https://files:8443/other/demo-1.0.0-amd64 is signed by '${other.fingerprint}', not the pinned key ${pinned.fingerprint}`,
    );
    expect(r.stdout).toBe("rc=1\n");
  });
});
