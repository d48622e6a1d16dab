import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseLock } from "@image-tooling/image-metadata";
import { attestImage, type AttestTarget } from "../src/attest/attest-image.ts";
import { goToolBinary } from "@image-tooling/go-tool";
import { PREDICATE, SIGSTORE_BUNDLE } from "../src/attest/plan.ts";
import type { ProvenanceFacts } from "../src/attest/provenance.ts";
import { readAttestations } from "../src/attest/referrers.ts";
import { readAttachedSbom } from "../src/scan/attested-reports.ts";
import type { ExpectedSigner } from "../src/attest/signer.ts";
import { COSIGN, SYFT } from "../src/attest/tools.ts";
import { type ImageIndex, MediaType, RegistryClient } from "@image-tooling/oci-registry";
import { Logger } from "../src/log/logger.ts";
import { testKeyPair, type TestKeyPair, verifiedStatements } from "@image-tooling/test-support/cosign-keys";
import { seedImage, type SeededImage } from "@image-tooling/test-support/oci-image";
import { startTestRegistry, type TestRegistry } from "@image-tooling/test-support/registry-server";

// Signing and attesting by digest against a real registry (docker-registry,
// distribution 2.8: no referrers API, so cosign's bundles go through the
// referrers tag scheme) with the real, pinned cosign and syft. No engine:
// the images are pushed directly; the engine path is publish-attest.e2e.test.ts.

const REVISION = "0123456789abcdef0123456789abcdef01234567";
const TOOL_SHA = { amd64: "a".repeat(64), arm64: "b".repeat(64) };
const { lock } = parseLock(
  JSON.stringify({
    image: "demo",
    tools: {
      demotool: {
        version: "2.3.4",
        description: "A pinned download (stand-in: no upstream host is reachable here)",
        homepage: "https://example.org/demotool",
        url: "https://example.org/demotool/v{version}/demotool-linux-{arch}",
        sha256: TOOL_SHA,
        archive: "binary",
        install: "/usr/local/bin/demotool",
        versionCommand: ["demotool", "--version"],
        versionPattern: "{version}",
        examples: ["demotool run"],
        sources: ["https://example.org/demotool/"],
        update: { versions: { github: "example/demotool", tag: "v{version}" }, checksums: { format: "computed" } },
      },
    },
  }),
  "packages/demo/tools.lock.json",
  "demo",
);

describe("attestImage with the real cosign and syft", () => {
  let registry: TestRegistry;
  let client: RegistryClient;
  let keys: TestKeyPair;
  let cosign: string;
  const out: string[] = [];
  const log = new Logger({
    write: (s: string) => {
      out.push(s);
      return true;
    },
  } as unknown as NodeJS.WritableStream);

  const facts = (_image: SeededImage, ref: string): ProvenanceFacts => ({
    image: "demo",
    version: "1.0.0",
    channel: "release",
    ref,
    sourceUrl: "https://github.com/acme/images",
    revision: REVISION,
    packageRoot: "packages/demo",
    inputsDigest: `sha256:${"1".repeat(64)}`,
    base: { name: `${registry.host}/ns/parent:1.0.0`, digest: `sha256:${"2".repeat(64)}`, parent: true },
    locks: [{ name: "packages/demo/tools.lock.json", digest: `sha256:${"3".repeat(64)}` }],
    pipelineVersion: REVISION,
    daggerVersion: "0.21.8",
    startedOn: new Date().toISOString(),
    finishedOn: new Date().toISOString(),
  });

  const target = (repo: string, image: SeededImage, k: TestKeyPair = keys): AttestTarget => ({
    image: "demo",
    // The real cosign and syft, found and run as on this machine.
    env: process.env,
    client,
    repo,
    repoRef: `${registry.host}/${repo}`,
    digest: image.digest,
    platforms: Object.fromEntries(Object.entries(image.platforms).map(([p, v]) => [p, v.digest])),
    access: { registry: registry.host },
    mode: { kind: "key", privateKey: k.privateKey, password: k.password },
    provenance: async () => facts(image, `${registry.host}/${repo}@${image.digest}`),
    locks: [{ file: "packages/demo/tools.lock.json", lock: lock! }],
    log,
  });

  /** Our key as the expected signer. */
  const ours = (): ExpectedSigner => ({ kind: "key", publicKeyPem: readFileSync(keys.publicKeyFile, "utf8") });

  /**
   * Changes the signed statement inside a provenance bundle (the revision it
   * names) and points the referrers list at the altered copy; returns its digest.
   */
  async function alterProvenance(repo: string, image: SeededImage, provenance: string): Promise<string> {
    const m = (await client.getManifest(repo, provenance)).json as { layers: { digest: string; size: number; mediaType: string }[] };
    const bundle = JSON.parse((await client.getBlob(repo, m.layers[0]!.digest)).toString("utf8"));
    const statement = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, "base64").toString("utf8"));
    statement.predicate.buildDefinition.externalParameters.source.revision = "f".repeat(40);
    bundle.dsseEnvelope.payload = Buffer.from(JSON.stringify(statement)).toString("base64");
    const blob = await client.pushBlob(repo, Buffer.from(JSON.stringify(bundle)));
    const alteredBytes = Buffer.from(JSON.stringify({ ...m, layers: [{ ...m.layers[0], ...blob }] }));
    const altered = await client.putManifest(repo, `sha256:${createHash("sha256").update(alteredBytes).digest("hex")}`, {
      mediaType: MediaType.ociManifest,
      bytes: alteredBytes,
    });
    const tag = image.digest.replace(":", "-");
    const list = (await client.getManifest(repo, tag)).json as ImageIndex;
    const swapped = { ...list, manifests: list.manifests.map((d) => (d.digest === provenance ? { ...d, digest: altered, size: alteredBytes.length } : d)) };
    await client.putManifest(repo, tag, { mediaType: MediaType.ociIndex, bytes: Buffer.from(JSON.stringify(swapped)) });
    return altered;
  }

  const verify = (...args: string[]) => spawnSync(cosign, args, { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });

  beforeAll(async () => {
    // First use builds both tools from the Go module proxy (minutes, once per machine).
    cosign = await goToolBinary(COSIGN, { env: process.env });
    await goToolBinary(SYFT, { env: process.env });
    keys = await testKeyPair();
    registry = await startTestRegistry();
    client = new RegistryClient({ registry: registry.host });
  }, 45 * 60_000);
  afterAll(async () => {
    await registry?.stop();
  });

  describe("a freshly pushed digest", () => {
    let image: SeededImage;
    const repo = "ns/demo";
    let first: Awaited<ReturnType<typeof attestImage>>;
    let ref: string;

    beforeAll(async () => {
      image = await seedImage(client, repo, "1.0.0");
      ref = `${registry.host}/${repo}@${image.digest}`;
      first = await attestImage(target(repo, image));
    }, 10 * 60_000);

    it("is signed, with one SBOM per platform and a provenance, each recorded by digest", () => {
      expect(first.error).toBeUndefined();
      expect(first).toMatchObject({ status: "created", signature: expect.stringMatching(/^sha256:/), provenance: expect.stringMatching(/^sha256:/) });
      expect(Object.keys(first.sbom!).sort()).toEqual(["linux/amd64", "linux/arm64"]);
    });

    it("`cosign verify --key` passes for the index digest", () => {
      const r = verify("verify", "--key", keys.publicKeyFile, "--insecure-ignore-tlog=true", ref);
      expect(r.status, r.stderr).toBe(0);
    });

    it("each platform manifest carries its SBOM, which verifies and lists the lock's tool with its version, URL and sha256 for that platform", () => {
      for (const [platform, { digest }] of Object.entries(image.platforms)) {
        const r = verify(
          "verify-attestation",
          "--key",
          keys.publicKeyFile,
          "--insecure-ignore-tlog=true",
          "--type",
          "spdxjson",
          `${registry.host}/${repo}@${digest}`,
        );
        expect(r.status, r.stderr).toBe(0);
        const sboms = verifiedStatements(r.stdout);
        expect(sboms).toHaveLength(1);
        const [s] = sboms;
        expect(s.predicateType).toBe(PREDICATE.sbom);
        expect(s.subject[0].digest.sha256).toBe(digest.slice("sha256:".length));
        expect(s.predicate.spdxVersion).toBe("SPDX-2.3");
        expect(s.predicate.name).toBe(`${registry.host}/${repo}@${digest}`);
        const arch = platform.split("/")[1] as "amd64" | "arm64";
        expect(s.predicate.packages).toContainEqual(
          expect.objectContaining({
            name: "demotool",
            versionInfo: "2.3.4",
            downloadLocation: `https://example.org/demotool/v2.3.4/demotool-linux-${arch}`,
            checksums: [{ algorithm: "SHA256", checksumValue: TOOL_SHA[arch] }],
          }),
        );
      }
    });

    it("the provenance verifies and names the revision and the parent's digest", () => {
      const r = verify("verify-attestation", "--key", keys.publicKeyFile, "--insecure-ignore-tlog=true", "--type", "slsaprovenance1", ref);
      expect(r.status, r.stderr).toBe(0);
      const [p] = verifiedStatements(r.stdout);
      expect(p.predicateType).toBe("https://slsa.dev/provenance/v1");
      expect(p.predicate.buildDefinition.externalParameters.source.revision).toBe(REVISION);
      expect(p.predicate.buildDefinition.resolvedDependencies).toContainEqual({
        name: "parent",
        uri: `docker://${registry.host}/ns/parent:1.0.0`,
        digest: { sha256: "2".repeat(64) },
      });
    });

    it("leaves the index as it was: the same digest, only its two platforms", async () => {
      const index = await client.getManifest(repo, "1.0.0");
      expect(index.digest).toBe(image.digest);
      expect((index.json as ImageIndex).manifests.map((m) => `${m.platform!.os}/${m.platform!.architecture}`)).toEqual(["linux/amd64", "linux/arm64"]);
      // Attachments live beside it, under the referrers tag scheme: the index's and each platform manifest's.
      const subjects = [image.digest, ...Object.values(image.platforms).map((p) => p.digest)];
      expect((await client.listTags(repo)).sort()).toEqual(["1.0.0", ...subjects.map((d) => d.replace(":", "-"))].sort());
    });

    it("a re-run adds no referrer and no signature", async () => {
      const subjects = [image.digest, ...Object.values(image.platforms).map((p) => p.digest)];
      const before = await Promise.all(subjects.map((d) => client.referrers(repo, d)));
      expect(before.flat().every((r) => r.artifactType === SIGSTORE_BUNDLE)).toBe(true);
      // The index: signature and provenance; each platform manifest: its SBOM.
      expect(before.map((r) => r.length)).toEqual([2, 1, 1]);
      const again = await attestImage(target(repo, image));
      expect(again).toEqual({ ...first, status: "present" });
      expect(await Promise.all(subjects.map((d) => client.referrers(repo, d)))).toEqual(before);
    });

    it("a tampered provenance no longer verifies", async () => {
      const state = await readAttestations(client, repo, image.digest, [], ours());
      const tampered = await alterProvenance(repo, image, state.provenance!);

      // The altered provenance is there (cosign tree lists it) but fails its signature, so none verifies.
      expect(verify("tree", ref).stdout).toContain(`https://slsa.dev/provenance/v1 artifacts via OCI referrer: ${registry.host}/${repo}@${tampered}`);
      const r = verify("verify-attestation", "--key", keys.publicKeyFile, "--insecure-ignore-tlog=true", "--type", "slsaprovenance1", ref);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain("none of the attestations matched the predicate type: slsaprovenance1");
      // The untouched ones still verify.
      const amd64 = `${registry.host}/${repo}@${image.platforms["linux/amd64"]!.digest}`;
      expect(verify("verify-attestation", "--key", keys.publicKeyFile, "--insecure-ignore-tlog=true", "--type", "spdxjson", amd64).status).toBe(0);
    });
  });

  it("a digest pushed outside the pipeline verifies neither signature nor attestations", async () => {
    const outside = await seedImage(client, "ns/outside", "1.0.0", { labels: { outside: "yes" } });
    const ref = `${registry.host}/ns/outside@${outside.digest}`;
    expect(verify("verify", "--key", keys.publicKeyFile, "--insecure-ignore-tlog=true", ref).status).not.toBe(0);
    expect(verify("verify-attestation", "--key", keys.publicKeyFile, "--insecure-ignore-tlog=true", "--type", "spdxjson", ref).status).not.toBe(0);
    expect(verify("verify-attestation", "--key", keys.publicKeyFile, "--insecure-ignore-tlog=true", "--type", "slsaprovenance1", ref).status).not.toBe(0);
  });

  it("a digest signed with another key does not verify with ours", async () => {
    const other = await testKeyPair("another-password");
    const image = await seedImage(client, "ns/other", "1.0.0", { labels: { other: "yes" } });
    expect((await attestImage(target("ns/other", image, other))).status).toBe("created");
    const r = verify("verify", "--key", keys.publicKeyFile, "--insecure-ignore-tlog=true", `${registry.host}/ns/other@${image.digest}`);
    expect(r.status).not.toBe(0);
  });

  it("bundles signed with another key do not count: a run signs and attests anew with ours, says so, and adds nothing the next time", async () => {
    const repo = "ns/foreign";
    const other = await testKeyPair("a-rotated-or-branch-key");
    const image = await seedImage(client, repo, "1.0.0", { labels: { foreign: "yes" } });
    const subjects = [image.digest, ...Object.values(image.platforms).map((p) => p.digest)];
    expect((await attestImage(target(repo, image, other))).status).toBe("created");
    expect((await Promise.all(subjects.map((d) => client.referrers(repo, d)))).map((r) => r.length)).toEqual([2, 1, 1]);
    const foreign = await readAttestations(
      client,
      repo,
      image.digest,
      Object.values(image.platforms).map((p) => p.digest),
      ours(),
    );
    expect(foreign).toMatchObject({ signature: undefined, provenance: undefined, sbom: {} });
    expect(foreign.foreign.map((f) => f.reason)).toEqual(Array(4).fill("its signature does not verify under the configured public key"));

    const printedBefore = out.length;
    const ref = `${registry.host}/${repo}@${image.digest}`;
    const r = await attestImage(target(repo, image));
    expect(r.error).toBeUndefined();
    expect(r.status).toBe("created");
    expect(out.slice(printedBefore).join("")).toMatch(
      /⚠ a signature bundle on sha256:[0-9a-f]{12}… is not by the configured cosign key \(its signature does not verify/,
    );
    // Ours beside theirs: the index has two of each, each platform two SBOMs.
    const after = await Promise.all(subjects.map((d) => client.referrers(repo, d)));
    expect(after.map((x) => x.length)).toEqual([4, 2, 2]);
    expect(verify("verify", "--key", keys.publicKeyFile, "--insecure-ignore-tlog=true", ref).status).toBe(0);
    expect(verify("verify-attestation", "--key", keys.publicKeyFile, "--insecure-ignore-tlog=true", "--type", "slsaprovenance1", ref).status).toBe(0);

    // A bundle from the expected key is not duplicated.
    expect(await attestImage(target(repo, image))).toEqual({ ...r, status: "present" });
    expect(await Promise.all(subjects.map((d) => client.referrers(repo, d)))).toEqual(after);
  });

  it("a rescan reads only the SBOM the expected signer made: another key's SBOM of the same digest is passed over, never scanned", async () => {
    const repo = "ns/planted-sbom";
    const other = await testKeyPair("whoever-can-push-a-referrer");
    const otherSigner: ExpectedSigner = { kind: "key", publicKeyPem: readFileSync(other.publicKeyFile, "utf8") };
    const image = await seedImage(client, repo, "1.0.0", { labels: { planted: "yes" } });
    const amd64 = image.platforms["linux/amd64"]!.digest;
    expect((await attestImage(target(repo, image, other))).status).toBe("created");
    // Only the planted one is attached: it is not ours, so there is no SBOM to scan (syft reads the image instead).
    expect(await readAttachedSbom(client, repo, amd64, ours())).toBeUndefined();
    const planted = await readAttachedSbom(client, repo, amd64, otherSigner);
    expect(planted?.spdxVersion).toBe("SPDX-2.3");

    expect((await attestImage(target(repo, image))).status).toBe("created");
    const ourSbom = await readAttachedSbom(client, repo, amd64, ours());
    expect(ourSbom?.spdxVersion).toBe("SPDX-2.3");
    expect(ourSbom?.documentNamespace).not.toBe(planted?.documentNamespace);
    // Neither signer's SBOM of one platform counts for another platform's digest.
    expect(await readAttachedSbom(client, repo, image.platforms["linux/arm64"]!.digest, otherSigner)).toMatchObject({ spdxVersion: "SPDX-2.3" });
    expect((await readAttachedSbom(client, repo, image.platforms["linux/arm64"]!.digest, ours()))?.documentNamespace).not.toBe(ourSbom?.documentNamespace);
  });

  it("an altered provenance does not count: the next run attests it again, and it verifies", async () => {
    const repo = "ns/altered";
    const image = await seedImage(client, repo, "1.0.0", { labels: { altered: "yes" } });
    const first = await attestImage(target(repo, image));
    const altered = await alterProvenance(repo, image, first.provenance!);

    const again = await attestImage(target(repo, image));
    expect(again).toMatchObject({ status: "completed", signature: first.signature });
    expect(again.provenance).not.toBe(altered);
    const ref = `${registry.host}/${repo}@${image.digest}`;
    const v = verify("verify-attestation", "--key", keys.publicKeyFile, "--insecure-ignore-tlog=true", "--type", "slsaprovenance1", ref);
    expect(v.status, v.stderr).toBe(0);
    expect(verifiedStatements(v.stdout).map((p) => p.predicate.buildDefinition.externalParameters.source.revision)).toEqual([REVISION]);
  });

  it("completes a digest that has only its signature, without signing it again", async () => {
    const repo = "ns/partial";
    const image = await seedImage(client, repo, "1.0.0", { labels: { partial: "yes" } });
    execFileSync(
      cosign,
      ["sign", "--yes", "--key", "env://COSIGN_PRIVATE_KEY", "--use-signing-config=false", "--tlog-upload=false", `${registry.host}/${repo}@${image.digest}`],
      { env: { ...process.env, ...keys.env }, stdio: "pipe" },
    );
    const signed = await readAttestations(client, repo, image.digest, [], ours());
    const r = await attestImage(target(repo, image));
    expect(r).toMatchObject({ status: "completed", signature: signed.signature });
    expect(await client.referrers(repo, image.digest)).toHaveLength(2);
    for (const { digest } of Object.values(image.platforms)) expect(await client.referrers(repo, digest)).toHaveLength(1);
  });

  it("a staged platform (no index yet): only its SBOM, verified; nothing signed; a re-run adds nothing; the merge's index then gets signature and provenance and keeps that SBOM", async () => {
    const repo = "ns/staged";
    const image = await seedImage(client, repo, "1.0.0", { labels: { staged: "yes" } });
    const [platform, { digest: platformDigest }] = Object.entries(image.platforms)[0]!;
    const staged = { ...target(repo, image), digest: null, platforms: { [platform]: platformDigest } };
    const first = await attestImage(staged);
    expect(first).toMatchObject({ status: "created", sbom: { [platform]: expect.stringMatching(/^sha256:/) } });
    expect(first.signature).toBeUndefined();
    expect(first.provenance).toBeUndefined();
    expect(await client.referrers(repo, image.digest)).toEqual([]);
    expect(await client.referrers(repo, platformDigest)).toHaveLength(1);
    const sbom = verify(
      "verify-attestation",
      "--key",
      keys.publicKeyFile,
      "--insecure-ignore-tlog=true",
      "--type",
      "spdxjson",
      `${registry.host}/${repo}@${platformDigest}`,
    );
    expect(sbom.status, sbom.stderr).toBe(0);
    expect(await attestImage(staged)).toEqual({ ...first, status: "present" });
    expect(await client.referrers(repo, platformDigest)).toHaveLength(1);
    // The merge: the index over it is signed and given provenance; the staged SBOM counts, the other platform gets its own.
    const merged = await attestImage(target(repo, image));
    expect(merged).toMatchObject({ status: "completed", signature: expect.any(String), provenance: expect.any(String) });
    expect(merged.sbom![platform]).toBe(first.sbom![platform]);
    expect(await client.referrers(repo, platformDigest)).toHaveLength(1);
  });

  it("a wrong COSIGN_PASSWORD fails with a clear reason, never printing the password or the key", async () => {
    const repo = "ns/badpw";
    const image = await seedImage(client, repo, "1.0.0", { labels: { badpw: "yes" } });
    const secret = "the-wrong-password-123";
    const r = await attestImage(target(repo, image, { ...keys, password: secret }));
    expect(r.status).toBe("failed");
    expect(r.error).toMatch(/COSIGN_PRIVATE_KEY could not be opened with COSIGN_PASSWORD/);
    const printed = out.join("");
    expect(printed).not.toContain(secret);
    expect(printed).not.toContain(keys.privateKey.split("\n")[1]!);
    expect(await client.referrers(repo, image.digest)).toEqual([]);
  });
});
