/**
 * fetch-tools (and the OpenStack image's requirements-from-lock) against a
 * real HTTPS file server: a Dagger service serving fixture archives with a
 * throwaway CA, so the script's curl, sha256 and extraction paths run for
 * real without upstream downloads. curl, jq, openssl and zip come from the
 * seeded base's offline apt repository: containers here reach only loopback
 * and the engine's bridge (the "files" service), never Debian's archive.
 * Fails, never skips, without the harness.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { connection, dag, type Container } from "@dagger.io/dagger";
import { loadHarnessEnv } from "@image-tooling/test-support/harness-env";
import { Scenarios, type ExecRun } from "@image-tooling/test-support/scenarios";
import { expandTemplate, isDownloadTool, lockSchema, ARCHES } from "@image-tooling/image-metadata";

const PACKAGES = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const FETCH = join(PACKAGES, "toolbox-base/rootfs/usr/local/libexec/toolbox/fetch-tools");
const REQS = join(PACKAGES, "tooling-k8s-openstack/build/requirements-from-lock");
// Every image package's lock (folder name = image name), not a list of names.
const IMAGES = readdirSync(PACKAGES).filter((dir) => existsSync(join(PACKAGES, dir, "image.yaml")) && existsSync(join(PACKAGES, dir, "tools.lock.json")));

// Fixture "releases", per arch: a tar.gz holding tool-<arch>/demo, a bare
// binary, and a zip with an installer shaped like the AWS CLI's.
const FIXTURES = `
set -e
mkdir -p /srv/www /tmp/f && cd /tmp/f
for a in amd64 arm64; do
  mkdir -p "demo-$a/bin" "aws/dist"
  printf '#!/bin/sh\\necho "demo 1.2.3 %s"\\n' "$a" > "demo-$a/bin/demo"; chmod +x "demo-$a/bin/demo"
  tar -czf "/srv/www/demo-1.2.3-$a.tar.gz" "demo-$a/bin/demo"
  printf '#!/bin/sh\\necho "bare 4.5.6 %s"\\n' "$a" > "/srv/www/bare-4.5.6-$a"
  printf '#!/bin/sh\\necho "aws-cli/2.0.0 %s"\\n' "$a" > aws/dist/aws
  printf '#!/bin/sh\\necho completer\\n' > aws/dist/aws_completer
  cat > aws/install <<'INSTALL'
#!/bin/sh
# Shaped like the AWS CLI installer: --install-dir D --bin-dir B
set -eu
while [ "$#" -gt 0 ]; do case $1 in --install-dir) d=$2; shift 2 ;; --bin-dir) b=$2; shift 2 ;; *) exit 2 ;; esac; done
here=$(dirname "$0")
mkdir -p "$d/v2/2.0.0" "$b"
cp -r "$here/dist" "$d/v2/2.0.0/dist"
mkdir -p "$d/v2/2.0.0/bin"
ln -s ../dist/aws "$d/v2/2.0.0/bin/aws"; ln -s ../dist/aws_completer "$d/v2/2.0.0/bin/aws_completer"
ln -sfn 2.0.0 "$d/v2/current"
ln -sf "$d/v2/current/bin/aws" "$b/aws"
INSTALL
  chmod +x aws/install aws/dist/aws aws/dist/aws_completer
  rm -f "/srv/www/aws-$a.zip"; zip -qr "/srv/www/aws-$a.zip" aws
  rm -rf aws
done
cd /srv/www && sha256sum *
`;

describe("fetch-tools against an HTTPS server (fixtures)", () => {
  const scenarios = new Scenarios();
  const run = (key: string): ExecRun => scenarios.get(key);
  const sums: Record<string, string> = {};

  beforeAll(async () => {
    const env = loadHarnessEnv();
    await connection(async () => {
      const debian = (packages: string[]): Container =>
        dag
          .container()
          .from(env.HARNESS_DEBIAN_BASE)
          .withExec([
            "sh",
            "-c",
            `apt-get update -qq && apt-get install -qq -y --no-install-recommends ${packages.join(" ")} >/dev/null && rm -rf /var/lib/apt/lists/*`,
          ]);

      const server = debian(["openssl", "zip"])
        .withEnvVariable("E2E_RUN", String(Date.now()))
        .withExec(["sh", "-c", FIXTURES], { redirectStdout: "/srv/sums" })
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
        .withWorkdir("/srv/www")
        .withExposedPort(8443);
      for (const line of (await server.file("/srv/sums").contents()).trim().split("\n")) {
        const [sum, name] = line.split(/\s+/) as [string, string];
        sums[name] = sum;
      }
      const files = server.asService({ args: ["openssl", "s_server", "-quiet", "-accept", "8443", "-WWW", "-cert", "/srv/cert.pem", "-key", "/srv/key.pem"] });

      const client = debian(["ca-certificates", "curl", "jq", "unzip"])
        .withServiceBinding("files", files)
        .withFile("/ca.pem", server.file("/srv/cert.pem"))
        .withEnvVariable("CURL_CA_BUNDLE", "/ca.pem")
        .withFile("/usr/local/bin/fetch-tools", dag.host().file(FETCH))
        .withFile("/usr/local/bin/requirements-from-lock", dag.host().file(REQS))
        .withEnvVariable("E2E_RUN", String(Date.now()));

      const tool = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
        version: "1.2.3",
        description: "Demo",
        homepage: "https://example.com/",
        url: "https://files:8443/demo-{version}-{arch}.tar.gz",
        sha256: { amd64: sums["demo-1.2.3-amd64.tar.gz"], arm64: sums["demo-1.2.3-arm64.tar.gz"] },
        archive: "tar.gz",
        member: "demo-{arch}/bin/demo",
        install: "/usr/local/bin/demo",
        versionCommand: ["demo"],
        versionPattern: "demo {version}",
        examples: ["demo"],
        sources: ["fixture"],
        ...over,
      });
      const lock = (tools: Record<string, unknown>): string => JSON.stringify({ image: "demo", tools, debian: { packages: [], commands: {} } });
      const good = lock({
        demo: tool(),
        bare: tool({
          version: "4.5.6",
          url: "https://files:8443/bare-{version}-{arch}",
          sha256: { amd64: sums["bare-4.5.6-amd64"], arm64: sums["bare-4.5.6-arm64"] },
          archive: "binary",
          member: undefined,
          install: "/usr/local/libexec/demo/bare",
        }),
        aws: tool({
          url: "https://files:8443/aws-{arch}.zip",
          sha256: { amd64: sums["aws-amd64.zip"], arm64: sums["aws-arm64.zip"] },
          archive: "zip",
          member: undefined,
          installer: "aws-cli-v2",
          install: "/usr/local/bin/aws",
        }),
      });
      // Every problem here must stop the build before anything is installed.
      const wrongSha = lock({ demo: tool({ sha256: { amd64: sums["demo-1.2.3-arm64.tar.gz"], arm64: sums["demo-1.2.3-arm64.tar.gz"] } }) });
      const plainHttp = lock({ demo: tool({ url: "http://files:8443/demo-{version}-{arch}.tar.gz" }) });
      const noSha = lock({ demo: tool({ sha256: { amd64: "", arm64: sums["demo-1.2.3-arm64.tar.gz"] } }) });

      const show =
        "for f in /out/usr/local/bin/demo /out/usr/local/libexec/demo/bare /out/usr/local/bin/aws; do \"$f\"; done; readlink /out/usr/local/bin/aws; stat -c '%a %u' /out/usr/local/bin/demo";
      const exec = (key: string, c: Container, script: string): Promise<void> => scenarios.exec(key, c, ["sh", "-c", script]);
      const withLock = (text: string, name = "/lock.json"): Container => client.withNewFile(name, text);

      const realLocks = IMAGES.reduce((c, image) => c.withFile(`/locks/${image}.json`, dag.host().file(join(PACKAGES, image, "tools.lock.json"))), client);
      const pyLock = (sha: unknown) =>
        JSON.stringify({
          python: {
            requirements: [
              { name: "a-pkg", version: "1.0", sha256: sha },
              { name: "b", version: "2.0", sha256: { amd64: ["c".repeat(64)], arm64: ["c".repeat(64)] } },
            ],
          },
        });

      await Promise.all([
        exec("amd64", withLock(good).withEnvVariable("TARGETARCH", "amd64"), `fetch-tools /lock.json /out && ${show}`),
        exec("arm64", withLock(good).withEnvVariable("TARGETARCH", "arm64"), `fetch-tools /lock.json /out && ${show}`),
        exec(
          "wrong-sha",
          withLock(wrongSha).withEnvVariable("TARGETARCH", "amd64"),
          "fetch-tools /lock.json /out; rc=$?; ls -A /out/usr/local/bin 2>/dev/null; echo rc=$rc",
        ),
        exec("plain-http", withLock(plainHttp).withEnvVariable("TARGETARCH", "amd64"), "fetch-tools /lock.json /out"),
        exec("no-sha", withLock(noSha).withEnvVariable("TARGETARCH", "amd64"), "fetch-tools /lock.json /out"),
        exec("no-arch", withLock(good), "fetch-tools /lock.json /out"),
        exec("list-real-amd64", realLocks.withEnvVariable("TARGETARCH", "amd64"), `for i in ${IMAGES.join(" ")}; do fetch-tools --list /locks/$i.json; done`),
        exec("list-real-arm64", realLocks.withEnvVariable("TARGETARCH", "arm64"), `for i in ${IMAGES.join(" ")}; do fetch-tools --list /locks/$i.json; done`),
        exec("reqs-missing", withLock(pyLock({ amd64: [], arm64: ["d".repeat(64)] })), "requirements-from-lock /lock.json amd64"),
        exec(
          "reqs-ok",
          withLock(pyLock({ amd64: ["a".repeat(64), "b".repeat(64)], arm64: ["d".repeat(64)] })),
          "requirements-from-lock /lock.json amd64 && requirements-from-lock /lock.json arm64",
        ),
      ]);
    });
  });

  it("downloads, verifies and installs each archive type for amd64", () => {
    expect(Object.keys(sums)).toHaveLength(6);
    const r = run("amd64");
    expect(r.stderr).toContain("fetch-tools: demo 1.2.3 (amd64) from https://files:8443/demo-1.2.3-amd64.tar.gz");
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe("demo 1.2.3 amd64\nbare 4.5.6 amd64\naws-cli/2.0.0 amd64\n/usr/local/aws-cli/v2/current/bin/aws\n755 0\n");
  });

  it("takes the arm64 URL, hash and member for TARGETARCH=arm64", () => {
    const r = run("arm64");
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^demo 1\.2\.3 arm64\nbare 4\.5\.6 arm64\naws-cli\/2\.0\.0 arm64\n/);
  });

  it("stops on a sha256 mismatch, naming expected and actual, before installing anything", () => {
    const r = run("wrong-sha");
    expect(r.stderr).toContain(
      `fetch-tools: demo 1.2.3 (amd64): sha256 mismatch: expected ${sums["demo-1.2.3-arm64.tar.gz"]}, got ${sums["demo-1.2.3-amd64.tar.gz"]} from https://files:8443/demo-1.2.3-amd64.tar.gz`,
    );
    expect(r.stdout).toBe("rc=1\n");
  });

  it("refuses plain http, a missing hash and a missing TARGETARCH", () => {
    expect(run("plain-http")).toMatchObject({ exitCode: 1, stderr: expect.stringContaining("is not HTTPS") });
    expect(run("no-sha")).toMatchObject({ exitCode: 1, stderr: expect.stringContaining("demo: no sha256 for amd64") });
    expect(run("no-arch")).toMatchObject({ exitCode: 1, stderr: expect.stringContaining("TARGETARCH must be amd64 or arm64") });
  });

  it("reads every real lock exactly as the lint and README expand them", () => {
    for (const arch of ARCHES) {
      const r = run(`list-real-${arch}`);
      expect(r.stderr).toBe("");
      expect(r.exitCode).toBe(0);
      const expected = IMAGES.flatMap((image) => {
        const lock = lockSchema.parse(JSON.parse(readFileSync(join(PACKAGES, image, "tools.lock.json"), "utf8")));
        return Object.entries(lock.tools).flatMap(([name, t]) =>
          isDownloadTool(t) ? [[name, t.version, expandTemplate(t.url, t, arch), t.sha256[arch]].join("\t")] : [],
        );
      });
      expect(r.stdout.trim().split("\n")).toEqual(expected);
    }
  });

  it("requirements-from-lock: hashed requirement lines, or a loud stop naming what lacks a hash", () => {
    expect(run("reqs-ok")).toMatchObject({
      exitCode: 0,
      stdout: `a-pkg==1.0 --hash=sha256:${"a".repeat(64)} --hash=sha256:${"b".repeat(64)}\nb==2.0 --hash=sha256:${"c".repeat(64)}\na-pkg==1.0 --hash=sha256:${"d".repeat(64)}\nb==2.0 --hash=sha256:${"c".repeat(64)}\n`,
    });
    expect(run("reqs-missing")).toMatchObject({
      exitCode: 1,
      stdout: "",
      stderr: expect.stringContaining("no wheel sha256 for amd64 in /lock.json:\n  a-pkg==1.0\n"),
    });
  });
});
