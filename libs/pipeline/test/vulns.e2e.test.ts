import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadHarnessEnv } from "@image-tooling/test-support/harness-env";
import type { TempWorkspace } from "@image-tooling/test-support/temp-workspace";
import { verifiedStatements, type TestKeyPair } from "@image-tooling/test-support/cosign-keys";
import { fixtureWorkspace, setVersion } from "@image-tooling/test-support/fixture-workspace";
import { pipelineTestKeys, runPipeline, type PipelineRun } from "@image-tooling/test-support/run-pipeline";
import { hostGoVersion, pushTestVulnDb, testVulnDb } from "@image-tooling/test-support/vuln-db";
import { goToolBinary } from "@image-tooling/go-tool";
import { INSTALL_ROOT } from "@image-tooling/cli-support";
import { COSIGN } from "../src/attest/tools.ts";
import { RegistryClient } from "@image-tooling/oci-registry";

// The vulnerability gate, reports and rescans on the harness: the real
// engine builds fixture-base (the debootstrapped Debian 12 base), syft and
// grype scan each platform against offline test databases written by grype's
// own code (tools/test-support/grype-testdb), served from the harness
// registry as an OCI artifact or read from a file.
const harness = loadHarnessEnv();
const REGISTRY = harness.HARNESS_ENGINE_REGISTRY;
const HOST_REGISTRY = harness.HARNESS_REGISTRY;
const baseDigest = harness.HARNESS_DEBIAN_BASE.split("@")[1]!;
const registry = new RegistryClient({ registry: REGISTRY, plainHttp: true });
const IMAGE = "fixture-base";
const VEX = `packages/${IMAGE}/vex.openvex.json`;

const vex = (expires: string) =>
  `${JSON.stringify(
    {
      "@context": "https://openvex.dev/ns/v0.2.0",
      "@id": "https://example.org/vex/fixture-base",
      author: "image-tooling tests",
      timestamp: "2026-12-01T00:00:00Z",
      version: 1,
      statements: [
        {
          vulnerability: { name: "CVE-2026-1000" },
          products: [{ "@id": `pkg:oci/${IMAGE}`, subcomponents: [{ "@id": "pkg:deb/debian/zlib1g" }] }],
          status: "not_affected",
          justification: "vulnerable_code_not_in_execute_path",
          impact_statement: "test: the image never inflates untrusted data",
          expires,
        },
      ],
    },
    null,
    2,
  )}\n`;

const daysFromNow = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
const stepSeconds = (out: string, label: RegExp): number[] =>
  [...out.matchAll(new RegExp(`✔ ${label.source} \\(([\\d.]+) (s|ms)\\)`, "g"))].map((m) => Number(m[1]) / (m[2] === "ms" ? 1000 : 1));

describe("vulnerability scan, gate, reports and rescans", () => {
  let ws: TempWorkspace;
  let keys: TestKeyPair;
  let cosign: string;
  let criticalDb: string;
  const ns = `e2e-vulns-${randomBytes(4).toString("hex")}`;
  const env = { IMAGE_REGISTRY: REGISTRY, IMAGE_REGISTRY_PLAIN_HTTP: "true", IMAGE_NAMESPACE: ns };
  let smoke: PipelineRun;

  beforeAll(async () => {
    cosign = await goToolBinary(COSIGN, { env: process.env });
    keys = await pipelineTestKeys();
    ws = fixtureWorkspace(baseDigest, [IMAGE]);
    criticalDb = await pushTestVulnDb(HOST_REGISTRY, `${ns}/grype-db`, "critical", testVulnDb("critical"));
  });
  afterAll(() => ws?.dispose());

  it("smoke scans every platform and records counts and findings; below the default gate it passes", async () => {
    smoke = await runPipeline(ws, ["smoke", IMAGE], { IMAGE_VULN_DB: testVulnDb("base") });
    expect(smoke.status, smoke.all).toBe(0);
    const result = JSON.parse(ws.read(`dist/images/${IMAGE}/result.json`));
    const v = result.vulnerabilities;
    expect(v.gate).toBe("passed");
    expect(v.policy).toBe("failOn: critical, onlyFixed");
    expect(Object.keys(v.platforms).sort()).toEqual(["linux/amd64", "linux/arm64"]);
    for (const p of Object.values(v.platforms) as {
      counts: Record<string, { fixable: number; noFix: number }>;
      findings: { id: string; package: string }[];
    }[]) {
      // glibc's CVE in libc6 and libc-bin (fixable), tar's without a fix.
      expect(p.counts.high).toEqual({ fixable: 2, noFix: 0 });
      expect(p.counts.low).toEqual({ fixable: 0, noFix: 1 });
      expect(p.findings).toContainEqual(
        expect.objectContaining({ id: "CVE-2026-0001", package: "libc6", installed: "2.36-9+deb12u14", fixedIn: "2.36-9+deb12u15", route: "base-update" }),
      );
      expect(p.findings).toContainEqual(expect.objectContaining({ id: "CVE-2026-0002", package: "tar", route: "nothing-yet" }));
    }
    expect(smoke.all).toMatch(/✔ \[linux\/arm64\] vulnerabilities: high 2 \(2 fixable\), low 1 \(0 fixable\)/);
    const scans = stepSeconds(smoke.all, /fixture-base: scan linux\/\S+ for vulnerabilities \(syft → grype\)/);
    const db = stepSeconds(smoke.all, /vulnerability database: \S+/);
    console.log(`scan time: database ${db.join(", ")} s; platforms (concurrent) ${scans.join(", ")} s`);
    expect(scans).toHaveLength(2);
  });

  it("a fixable critical finding fails smoke, naming the finding, its package, fixed version, fix route and how to accept it", async () => {
    const r = await runPipeline(ws, ["smoke", IMAGE], { IMAGE_VULN_DB: criticalDb });
    expect(r.status, r.all).toBe(1);
    expect(r.all).toContain("fixture-base: vulnerability gate failed (failOn: critical, onlyFixed, from image-tooling.yaml (repository default)");
    expect(r.all).toContain(
      "✘ CVE-2026-1000 critical in zlib1g 1:1.2.13.dfsg-1+deb12u1 → fixed in 1:1.2.13.dfsg-1+deb12u2 — fix: base update (a newer Debian base digest: npm run tools:update, then release) [linux/amd64, linux/arm64]",
    );
    expect(r.all).toContain(`accept one with a justified OpenVEX statement that expires, in ${VEX}`);
    expect(r.all).not.toMatch(/\n\s+at /);
    const result = JSON.parse(ws.read(`dist/images/${IMAGE}/result.json`));
    expect(result).toMatchObject({ status: "failed", vulnerabilities: { gate: "failed" } });
  });

  it("publish refuses the failing image and pushes nothing; an expired VEX statement does not help", async () => {
    const r = await runPipeline(ws, ["publish", IMAGE], { ...env, IMAGE_VULN_DB: criticalDb });
    expect(r.status, r.all).toBe(1);
    expect(r.all).toContain("✘ CVE-2026-1000 critical in zlib1g");
    expect(await registry.listTags(`${ns}/${IMAGE}`).catch(() => [])).toEqual([]);

    ws.write(VEX, vex(daysFromNow(-2)));
    ws.commitAll("an expired acceptance");
    const expired = await runPipeline(ws, ["publish", IMAGE], { ...env, IMAGE_VULN_DB: criticalDb });
    expect(expired.status, expired.all).toBe(1);
    expect(expired.all).toContain(`CVE-2026-1000 in zlib1g was accepted by ${VEX}#statements[0], which expired on ${daysFromNow(-2)}`);
    expect(await registry.listTags(`${ns}/${IMAGE}`).catch(() => [])).toEqual([]);
  });

  describe("accepted by a current statement", () => {
    let published: PipelineRun;
    let digest: string;
    let platforms: Record<string, string>;
    const hostRef = (d: string) => `${HOST_REGISTRY}/${ns}/${IMAGE}@${d}`;

    beforeAll(async () => {
      ws.write(VEX, vex(daysFromNow(30)));
      ws.commitAll("accept CVE-2026-1000 for a month");
      published = await runPipeline(ws, ["publish", IMAGE], { ...env, IMAGE_VULN_DB: criticalDb });
      digest = (await registry.manifestDigest(`${ns}/${IMAGE}`, "1.0.0"))!;
      platforms = JSON.parse(ws.read(`dist/images/${IMAGE}/result.json`)).platforms;
    });

    it("publish passes, says which statement accepted the finding, and attaches a report per platform", () => {
      expect(published.status, published.all).toBe(0);
      expect(published.all).toContain(`✔ accepted: CVE-2026-1000 in zlib1g (${VEX}#statements[0], until ${daysFromNow(30)})`);
      const result = JSON.parse(ws.read(`dist/images/${IMAGE}/result.json`));
      expect(result.vulnerabilities.accepted).toEqual([
        { id: "CVE-2026-1000", package: "zlib1g", statement: `${VEX}#statements[0]`, expires: daysFromNow(30) },
      ]);
      expect(Object.keys(result.attestations.vuln).sort()).toEqual(["linux/amd64", "linux/arm64"]);
      const scans = stepSeconds(published.all, /fixture-base: scan linux\/\S+ for vulnerabilities \(syft → grype\)/);
      const reports = stepSeconds(published.all, /fixture-base: vulnerability report linux\/\S+ \(cosign vuln, database \S+\)/);
      console.log(`publish: scan ${scans.join(", ")} s; attach reports ${reports.join(", ")} s`);
    });

    it("the real `cosign verify-attestation --type vuln` verifies each platform's report", () => {
      for (const [platform, platformDigest] of Object.entries(platforms)) {
        const r = spawnSync(
          cosign,
          ["verify-attestation", "--key", keys.publicKeyFile, "--insecure-ignore-tlog=true", "--type", "vuln", hostRef(platformDigest)],
          {
            encoding: "utf8",
            maxBuffer: 64 * 1024 * 1024,
          },
        );
        expect(r.status, r.stderr).toBe(0);
        const [statement] = verifiedStatements(r.stdout);
        expect(statement.predicateType).toBe("https://cosign.sigstore.dev/attestation/vuln/v1");
        expect(statement.subject[0].digest.sha256).toBe(platformDigest.slice("sha256:".length));
        expect(statement.predicate.scanner.version).toBe("v0.121.3");
        expect(statement.predicate.scanner.db.version).toMatch(/^\d{4}-\d\d-\d\dT00:00:00.000Z xxh64:[0-9a-f]+$/);
        expect(statement.predicate.scanner.result.platform).toBe(platform);
        expect(statement.predicate.scanner.result.findings.map((f: { id: string }) => f.id)).toContain("CVE-2026-1000");
      }
    });

    it("a re-run with the same database adds nothing", async () => {
      const referrers = () => Promise.all(Object.values(platforms).map((d) => registry.referrers(`${ns}/${IMAGE}`, d)));
      const before = await referrers();
      const again = await runPipeline(ws, ["publish", IMAGE], { ...env, IMAGE_VULN_DB: criticalDb });
      expect(again.status, again.all).toBe(0);
      expect(again.all).toContain("vulnerability reports of database");
      expect(again.all).toContain("present on linux/amd64 + linux/arm64: nothing to add");
      expect(await referrers()).toEqual(before);
    });

    it("a rescan with a newer database reports the new finding for the published digest, without building", async () => {
      const newer = await pushTestVulnDb(HOST_REGISTRY, `${ns}/grype-db`, "newer", testVulnDb("newer"));
      const r = await runPipeline(ws, ["rescan", IMAGE], { ...env, IMAGE_VULN_DB: newer });
      expect(r.status, r.all).toBe(0);
      expect(r.all).not.toContain("build ");
      expect(r.all).toContain("linux/arm64: scanning its attached SBOM");
      expect(r.all).toContain(`${IMAGE} 1.0.0 (${digest.slice(0, 19)}…)`);
      expect(r.all).toMatch(/new since the attached report: CVE-2026-2000 high in gzip 1\.12-1 → fixed in 1\.12-1\+deb12u1/);
      const rescan = JSON.parse(ws.read(`dist/rescan/${IMAGE}.json`));
      expect(rescan.digest).toBe(digest);
      expect(rescan.new.map((f: { id: string }) => f.id)).toEqual(["CVE-2026-2000"]);
      expect(rescan.fixable.map((f: { id: string }) => f.id)).toContain("CVE-2026-2000");
      expect(await registry.listTags(`${ns}/${IMAGE}`)).toEqual(expect.arrayContaining(["1.0.0"]));
    });

    it("the next version's result and release notes give the delta from the previous release: fixed, new, still open", async () => {
      const newer = await pushTestVulnDb(HOST_REGISTRY, `${ns}/grype-db`, "newer", testVulnDb("newer"));
      setVersion(ws, IMAGE, "1.0.1");
      ws.commitAll("1.0.1");
      const r = await runPipeline(ws, ["publish", IMAGE], { ...env, IMAGE_VULN_DB: newer });
      expect(r.status, r.all).toBe(0);
      const previous = JSON.parse(ws.read(`dist/images/${IMAGE}/result.json`)).vulnerabilities.previous;
      const ids = (fs: { id: string }[]) => [...new Set(fs.map((f) => f.id))].sort();
      expect(previous.version).toBe("1.0.0");
      expect(ids(previous.fixed)).toEqual(["CVE-2026-1000"]);
      expect(ids(previous.new)).toEqual(["CVE-2026-2000"]);
      expect(ids(previous.stillOpen)).toEqual(["CVE-2026-0001", "CVE-2026-0002"]);
      const notes = spawnSync(
        process.execPath,
        [join(INSTALL_ROOT, "node_modules/tsx/dist/cli.mjs"), join(INSTALL_ROOT, "tools/release/src/release-notes.ts"), "--cwd", ws.root],
        {
          encoding: "utf8",
        },
      );
      expect(notes.status, notes.stderr).toBe(0);
      expect(notes.stdout).toContain("Compared with 1.0.0");
      expect(notes.stdout).toMatch(/\*\*Fixed:\*\*\n\n- CVE-2026-1000 critical in zlib1g/);
      expect(notes.stdout).toMatch(/\*\*New:\*\*\n\n- CVE-2026-2000 high in gzip 1\.12-1 → fixed in 1\.12-1\+deb12u1/);
    });
  });
});

describe("a Go standard-library finding in a binary tools.lock.json installs", () => {
  let ws: TempWorkspace;
  beforeAll(() => {
    ws = fixtureWorkspace(baseDigest, [IMAGE]);
    const dir = `packages/${IMAGE}`;
    // A real Go binary per architecture, built here with the Go that builds our tools: syft finds its stdlib version.
    ws.write("hello-go/main.go", 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hello") }\n');
    ws.write("hello-go/go.mod", "module example.org/hello\n\ngo 1.26\n");
    const sha: Record<string, string> = {};
    for (const arch of ["amd64", "arm64"]) {
      execFileSync("/usr/local/go/bin/go", ["build", "-o", join(ws.root, dir, `hello-${arch}`), "."], {
        cwd: join(ws.root, "hello-go"),
        env: { ...process.env, CGO_ENABLED: "0", GOOS: "linux", GOARCH: arch, GOFLAGS: "" },
      });
      sha[arch] = createHash("sha256")
        .update(readFileSync(join(ws.root, dir, `hello-${arch}`)))
        .digest("hex");
    }
    ws.write(`${dir}/Dockerfile`, `${ws.read(`${dir}/Dockerfile`)}ARG TARGETARCH\nCOPY --chmod=0755 hello-\${TARGETARCH} /usr/local/bin/hello-go\n`);
    ws.write(`${dir}/image.yaml`, `${ws.read(`${dir}/image.yaml`)}vulnerabilities:\n  failOn: high\n  onlyFixed: true\n`);
    ws.write(
      `${dir}/tools.lock.json`,
      `${JSON.stringify(
        {
          image: IMAGE,
          tools: {
            "hello-go": {
              version: "1.0.0",
              description: "A Go binary (built by the test: no upstream host is reachable here, so the URL is a stand-in)",
              homepage: "https://example.org/hello-go",
              url: "https://example.org/hello-go/v{version}/hello-{arch}",
              sha256: sha,
              archive: "binary",
              install: "/usr/local/bin/hello-go",
              versionCommand: ["hello-go"],
              versionPattern: "hello{version}",
              examples: ["hello-go"],
              sources: ["https://example.org/hello-go/"],
              update: { versions: { github: "example/hello-go", tag: "v{version}" }, checksums: { format: "computed" } },
            },
          },
        },
        null,
        2,
      )}\n`,
    );
    ws.commitAll("fixture-base: a Go tool from its lock, gate on high");
  });
  afterAll(() => ws?.dispose());

  it("fails the image's gate (failOn: high) and says the fix is a tool update; Debian findings say base update", async () => {
    const r = await runPipeline(ws, ["smoke", IMAGE], { IMAGE_VULN_DB: testVulnDb("go") });
    expect(r.status, r.all).toBe(1);
    const go = hostGoVersion();
    const [major, minor, patch] = go.split(".").map(Number);
    expect(r.all).toContain(`fixture-base: vulnerability gate failed (failOn: high, onlyFixed, from packages/${IMAGE}/image.yaml`);
    expect(r.all).toContain(
      `✘ GO-2026-0001 high in stdlib go${go} → fixed in ${major}.${minor}.${patch! + 1} — fix: tool update (npm run tools:update) [linux/amd64, linux/arm64]`,
    );
    expect(r.all).toContain("✘ CVE-2026-0001 high in libc6 2.36-9+deb12u14 → fixed in 2.36-9+deb12u15 — fix: base update");
    const findings = JSON.parse(ws.read(`dist/images/${IMAGE}/result.json`)).vulnerabilities.platforms["linux/arm64"].findings;
    expect(findings).toContainEqual(
      expect.objectContaining({ id: "GO-2026-0001", package: "stdlib", type: "go-module", locations: ["/usr/local/bin/hello-go"], route: "tool-update" }),
    );
  });
});
