import { execFileSync, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadHarnessEnv } from "@image-tooling/test-support/harness-env";
import type { TempWorkspace } from "@image-tooling/test-support/temp-workspace";
import { goToolBinary } from "@image-tooling/go-tool";
import { COSIGN } from "../src/attest/tools.ts";
import { RegistryClient } from "@image-tooling/oci-registry";
import { testKeyPair, type TestKeyPair, verifiedStatements } from "@image-tooling/test-support/cosign-keys";
import { fixtureWorkspace } from "@image-tooling/test-support/fixture-workspace";
import { seedImage } from "@image-tooling/test-support/oci-image";
import { pipelineTestKeys, runPipeline, type PipelineRun } from "@image-tooling/test-support/run-pipeline";

// publish signs and attests on the harness: the real engine builds and pushes
// the fixtures over the bridge, then the pinned syft and cosign (key pair, as
// anywhere but GitHub Actions) attach SBOMs, provenance and a signature by
// digest. Everything is checked with tools nobody here wrote: the cosign CLI,
// skopeo and docker, reading the same registry on the host side.
const harness = loadHarnessEnv();
const REGISTRY = harness.HARNESS_ENGINE_REGISTRY;
const HOST_REGISTRY = harness.HARNESS_REGISTRY;
const baseDigest = harness.HARNESS_DEBIAN_BASE.split("@")[1]!;
const registry = new RegistryClient({ registry: REGISTRY, plainHttp: true });

const CHILD_TOOL = '#!/bin/sh\necho "child-tool on $(cat /etc/fixture-release)"\n';
const CHILD_TOOL_SHA = createHash("sha256").update(CHILD_TOOL).digest("hex");

/** fixture-child with a Debian package from the base's offline apt repository and a tools lock. */
function withPackageAndLock(ws: TempWorkspace): void {
  ws.write(
    "packages/fixture-child/Dockerfile",
    [
      "ARG BASE_IMAGE",
      "FROM ${BASE_IMAGE}",
      "USER root",
      "RUN apt-get update -qq && apt-get install -qq -y --no-install-recommends jq >/dev/null && rm -rf /var/lib/apt/lists/*",
      "COPY --chmod=0755 child-tool /usr/local/bin/",
      "USER 10001:0",
      "",
    ].join("\n"),
  );
  ws.write("packages/fixture-child/child-tool", CHILD_TOOL);
  ws.write(
    "packages/fixture-child/tools.lock.json",
    `${JSON.stringify(
      {
        image: "fixture-child",
        tools: {
          "child-tool": {
            version: "0.3.1",
            description: "The fixture's tool (copied from the build context: no upstream host is reachable here, so the URL is a stand-in)",
            homepage: "https://example.org/child-tool",
            url: "https://example.org/child-tool/v{version}/child-tool-{arch}",
            sha256: { amd64: CHILD_TOOL_SHA, arm64: CHILD_TOOL_SHA },
            archive: "binary",
            install: "/usr/local/bin/child-tool",
            versionCommand: ["child-tool"],
            versionPattern: "child-tool{version}",
            examples: ["child-tool"],
            sources: ["https://example.org/child-tool/"],
            update: { versions: { github: "example/child-tool", tag: "v{version}" }, checksums: { format: "computed" } },
          },
        },
      },
      null,
      2,
    )}\n`,
  );
  ws.commitAll("fixture-child: jq from Debian and a tools lock");
}

describe("published digests carry a signature, SBOMs and provenance that cosign verifies", () => {
  let ws: TempWorkspace;
  let keys: TestKeyPair;
  let cosign: string;
  const ns = `e2e-attest-${randomBytes(4).toString("hex")}`;
  const env = { IMAGE_REGISTRY: REGISTRY, IMAGE_REGISTRY_PLAIN_HTTP: "true", IMAGE_NAMESPACE: ns };
  const runs: Record<string, PipelineRun> = {};
  const digests: Record<string, string> = {};
  // cosign on the host reads the same registry through its loopback address.
  const hostRef = (image: string, digest = digests[image]) => `${HOST_REGISTRY}/${ns}/${image}@${digest}`;
  /** Platform → manifest digest, from the published index. */
  const platformsOf = async (image: string): Promise<Record<string, string>> => {
    const index = (await registry.getManifest(`${ns}/${image}`, digests[image]!)).json as {
      manifests: { digest: string; platform: { os: string; architecture: string } }[];
    };
    return Object.fromEntries(index.manifests.map((m) => [`${m.platform.os}/${m.platform.architecture}`, m.digest]));
  };
  // SBOM bundles are megabytes: well past spawnSync's default 1 MB output buffer.
  const cosignRun = (...args: string[]) => spawnSync(cosign, args, { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  const verifyArgs = () => ["--key", keys.publicKeyFile, "--insecure-ignore-tlog=true"];

  beforeAll(async () => {
    cosign = await goToolBinary(COSIGN, { env: process.env });
    keys = await pipelineTestKeys();
    ws = fixtureWorkspace(baseDigest);
    withPackageAndLock(ws);
    for (const image of ["fixture-base", "fixture-child"]) {
      runs[image] = await runPipeline(ws, ["publish", image], env);
      expect(runs[image]!.status, runs[image]!.all).toBe(0);
      digests[image] = (await registry.manifestDigest(`${ns}/${image}`, "1.0.0"))!;
    }
  });
  afterAll(() => ws?.dispose());

  it("signs and attests before the floating tags move, and records each digest in the result", async () => {
    for (const image of ["fixture-base", "fixture-child"]) {
      const out = runs[image]!.all;
      expect(out.indexOf(`${image}: sign `)).toBeGreaterThan(out.indexOf(`${image}: push `));
      expect(out.indexOf(`${image}: create 1.0`)).toBeGreaterThan(out.indexOf(`${image}: verify signature, SBOMs and provenance`));
      const result = JSON.parse(ws.read(`dist/images/${image}/result.json`));
      const referrers = (await registry.referrers(`${ns}/${image}`, digests[image]!)).map((r) => r.digest).sort();
      expect(result.attestations.status).toBe("created");
      // The index carries the signature and the provenance; each platform manifest its own SBOM.
      expect([result.attestations.signature, result.attestations.provenance].sort()).toEqual(referrers);
      const platforms = await platformsOf(image);
      expect(Object.keys(result.attestations.sbom).sort()).toEqual(["linux/amd64", "linux/arm64"]);
      // Each platform manifest: its SBOM and its vulnerability report (scan/attest-vuln.ts).
      for (const [platform, digest] of Object.entries(platforms)) {
        expect((await registry.referrers(`${ns}/${image}`, digest)).map((r) => r.digest).sort()).toEqual(
          [result.attestations.sbom[platform], result.attestations.vuln[platform]].sort(),
        );
      }
    }
  });

  it("`cosign verify --key` passes for each index digest", () => {
    for (const image of ["fixture-base", "fixture-child"]) {
      const r = cosignRun("verify", ...verifyArgs(), hostRef(image));
      expect(r.status, r.stderr).toBe(0);
    }
  });

  it("the child's SBOM lists the Debian package it installs and its lock's tool with version and sha256, per platform", async () => {
    const sboms = Object.values(await platformsOf("fixture-child")).map((digest) => {
      const r = cosignRun("verify-attestation", ...verifyArgs(), "--type", "spdxjson", hostRef("fixture-child", digest));
      expect(r.status, r.stderr).toBe(0);
      const statements = verifiedStatements(r.stdout);
      expect(statements).toHaveLength(1);
      expect(statements[0].subject[0].digest.sha256).toBe(digest.slice("sha256:".length));
      return statements[0];
    });
    expect(sboms).toHaveLength(2);
    for (const s of sboms) {
      const packages = s.predicate.packages as { name: string; versionInfo?: string; checksums?: unknown[]; downloadLocation?: string }[];
      expect(packages.find((p) => p.name === "jq")?.versionInfo).toMatch(/^1\.6/);
      expect(packages).toContainEqual(
        expect.objectContaining({ name: "child-tool", versionInfo: "0.3.1", checksums: [{ algorithm: "SHA256", checksumValue: CHILD_TOOL_SHA }] }),
      );
    }
    const arches = sboms
      .map((s) =>
        (s.predicate.packages as { name: string; downloadLocation: string }[])
          .find((p) => p.name === "child-tool")!
          .downloadLocation.split("-")
          .pop(),
      )
      .sort();
    expect(arches).toEqual(["amd64", "arm64"]);
  });

  it("the child's provenance names this commit's revision and the parent's digest", () => {
    const r = cosignRun("verify-attestation", ...verifyArgs(), "--type", "slsaprovenance1", hostRef("fixture-child"));
    expect(r.status, r.stderr).toBe(0);
    const [p] = verifiedStatements(r.stdout);
    expect(p.subject[0].digest.sha256).toBe(digests["fixture-child"]!.slice("sha256:".length));
    const def = p.predicate.buildDefinition;
    expect(def.externalParameters.source.revision).toBe(ws.git("rev-parse", "HEAD"));
    expect(def.resolvedDependencies).toContainEqual({
      name: "parent",
      uri: `docker://${REGISTRY}/${ns}/fixture-base:1.0.0`,
      digest: { sha256: digests["fixture-base"]!.slice("sha256:".length) },
    });
    expect(def.resolvedDependencies).toContainEqual(
      expect.objectContaining({ name: "packages/fixture-child/tools.lock.json", digest: { sha256: expect.stringMatching(/^[0-9a-f]{64}$/) } }),
    );
    expect(p.predicate.runDetails.builder.version.dagger).toBe("0.21.8");
  });

  it("a digest pushed outside the pipeline verifies neither signature nor attestations", async () => {
    const outside = await seedImage(registry, `${ns}/outside`, "1.0.0");
    const ref = `${HOST_REGISTRY}/${ns}/outside@${outside.digest}`;
    expect(cosignRun("verify", ...verifyArgs(), ref).status).not.toBe(0);
    expect(cosignRun("verify-attestation", ...verifyArgs(), "--type", "spdxjson", ref).status).not.toBe(0);
    expect(cosignRun("verify-attestation", ...verifyArgs(), "--type", "slsaprovenance1", ref).status).not.toBe(0);
  });

  it("a re-run adds no referrer and no signature, and says so", async () => {
    const subjects = [digests["fixture-child"]!, ...Object.values(await platformsOf("fixture-child"))];
    const referrers = () => Promise.all(subjects.map((d) => registry.referrers(`${ns}/fixture-child`, d)));
    const before = await referrers();
    const again = await runPipeline(ws, ["publish", "fixture-child"], env);
    expect(again.status, again.all).toBe(0);
    expect(again.all).toContain("signature, SBOMs and provenance present: nothing to add");
    // Nothing written, so nothing to verify: no cosign run at all on a no-op.
    expect(again.all).not.toContain("verify signature, SBOMs and provenance with cosign");
    expect(await referrers()).toEqual(before);
    expect(JSON.parse(ws.read("dist/images/fixture-child/result.json")).attestations.status).toBe("present");
  });

  it("docker pulls the index, which still lists only the two platforms", () => {
    const ref = `${HOST_REGISTRY}/${ns}/fixture-child:1.0.0`;
    execFileSync("docker", ["pull", "-q", ref], { stdio: "pipe" });
    try {
      const raw = JSON.parse(execFileSync("skopeo", ["inspect", "--raw", "--tls-verify=false", `docker://${ref}`], { encoding: "utf8" }));
      expect(raw.manifests.map((m: { platform: { os: string; architecture: string } }) => `${m.platform.os}/${m.platform.architecture}`).sort()).toEqual([
        "linux/amd64",
        "linux/arm64",
      ]);
    } finally {
      spawnSync("docker", ["image", "rm", ref], { stdio: "ignore" });
    }
  });

  it("the dry run and plan show the attest step", async () => {
    const dry = await runPipeline(ws, ["publish", "fixture-child", "--dry-run"], env);
    expect(dry.status, dry.all).toBe(0);
    expect(dry.all).toMatch(/attest check sha256:[0-9a-f]{12}…'s signature, SBOMs and provenance; add only what is missing — cosign key pair/);
    const plan = await runPipeline(ws, ["plan", "fixture-base"], { ...env, COSIGN_PRIVATE_KEY: undefined });
    expect(plan.all).toMatch(/attest check .* NOT CONFIGURED, publish would stop: publish signs every image/);
  });
});

describe("publish without a way to sign", () => {
  it("stops before building, says what to set, and pushes nothing", async () => {
    const ws = fixtureWorkspace(baseDigest, ["fixture-base"]);
    try {
      const ns = `e2e-nosign-${randomBytes(4).toString("hex")}`;
      const run = await runPipeline(ws, ["publish", "fixture-base"], {
        IMAGE_REGISTRY: REGISTRY,
        IMAGE_REGISTRY_PLAIN_HTTP: "true",
        IMAGE_NAMESPACE: ns,
        COSIGN_PRIVATE_KEY: undefined,
        COSIGN_PASSWORD: undefined,
      });
      expect(run.status).toBe(1);
      expect(run.all).toContain("publish signs every image: set COSIGN_PRIVATE_KEY");
      expect(run.all).not.toMatch(/▶ .*build/);
      expect(await registry.listTags(`${ns}/fixture-base`)).toEqual([]);
    } finally {
      ws.dispose();
    }
  });
});

describe("publish over a digest whose bundles another key made", () => {
  it("signs and attests it anew with the configured key, says so, and `cosign verify --key` passes; the next run adds nothing", async () => {
    const ws = fixtureWorkspace(baseDigest, ["fixture-base"]);
    try {
      const cosign = await goToolBinary(COSIGN, { env: process.env });
      const keys = await pipelineTestKeys();
      const other = await testKeyPair("a-branch-or-rotated-key");
      const ns = `e2e-foreign-${randomBytes(4).toString("hex")}`;
      const env = { IMAGE_REGISTRY: REGISTRY, IMAGE_REGISTRY_PLAIN_HTTP: "true", IMAGE_NAMESPACE: ns };
      // Someone else's run: the same version pushed and signed with another key.
      const theirs = await runPipeline(ws, ["publish", "fixture-base"], { ...env, ...other.env });
      expect(theirs.status, theirs.all).toBe(0);
      const digest = (await registry.manifestDigest(`${ns}/fixture-base`, "1.0.0"))!;
      const ref = `${HOST_REGISTRY}/${ns}/fixture-base@${digest}`;
      const verifyOurs = () => spawnSync(cosign, ["verify", "--key", keys.publicKeyFile, "--insecure-ignore-tlog=true", ref], { encoding: "utf8" });
      expect(verifyOurs().status).not.toBe(0);

      const ours = await runPipeline(ws, ["publish", "fixture-base"], env);
      expect(ours.status, ours.all).toBe(0);
      expect(ours.all).toMatch(
        /⚠ a signature bundle on sha256:[0-9a-f]{12}… is not by the configured cosign key \(its signature does not verify under the configured public key\): it does not count/,
      );
      expect(ours.all).toContain("fixture-base: sign ");
      expect(ours.all).toContain("verify signature, SBOMs and provenance with cosign");
      const r = verifyOurs();
      expect(r.status, r.stderr).toBe(0);
      const referrers = await registry.referrers(`${ns}/fixture-base`, digest);
      expect(referrers).toHaveLength(4); // theirs and ours: a signature and a provenance each
      // Each platform: theirs and ours, an SBOM and a vulnerability report each.
      const index = (await registry.getManifest(`${ns}/fixture-base`, digest)).json as { manifests: { digest: string }[] };
      for (const m of index.manifests) expect(await registry.referrers(`${ns}/fixture-base`, m.digest)).toHaveLength(4);

      const again = await runPipeline(ws, ["publish", "fixture-base"], env);
      expect(again.status, again.all).toBe(0);
      expect(again.all).toContain("signature, SBOMs and provenance present: nothing to add");
      expect(await registry.referrers(`${ns}/fixture-base`, digest)).toEqual(referrers);
    } finally {
      ws.dispose();
    }
  });
});
