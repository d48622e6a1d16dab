import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixtureWorkspace } from "@image-tooling/test-support/fixture-workspace";
import { seedImage } from "@image-tooling/test-support/oci-image";
import { startTestRegistry, type TestRegistry } from "@image-tooling/test-support/registry-server";
import { runPipeline } from "@image-tooling/test-support/run-pipeline";
import type { TempWorkspace } from "@image-tooling/test-support/temp-workspace";
import { RegistryClient } from "@image-tooling/oci-registry";

// The platform selection at the CLI's edge, a merge with nothing staged, and
// a merge of staging tags pushed by hand: each answered before any engine is
// asked for, so no engine is needed.
const BASE = `sha256:${"5".repeat(64)}`;

describe("a platform selection (--platform, IMAGE_PLATFORM) and merge, at the command line", () => {
  let ws: TempWorkspace;
  let registry: TestRegistry;
  beforeAll(async () => {
    ws = fixtureWorkspace(BASE);
    registry = await startTestRegistry();
  });
  afterAll(async () => {
    ws?.dispose();
    await registry?.stop();
  });
  const target = () => ({ IMAGE_REGISTRY: registry.host, IMAGE_NAMESPACE: "acme" });

  it("a platform no image is built for is a usage error naming where it came from and the choices", async () => {
    const flag = await runPipeline(ws, ["smoke", "fixture-base", "--platform", "linux/s390x"], {});
    expect(flag.status).toBe(2);
    expect(flag.all).toContain('--platform is "linux/s390x", which no image is built for: use linux/amd64 or linux/arm64');
    const env = await runPipeline(ws, ["publish", "fixture-base"], { ...target(), IMAGE_PLATFORM: "linux/riscv64" });
    expect(env.status).toBe(2);
    expect(env.all).toContain('IMAGE_PLATFORM is "linux/riscv64", which no image is built for: use linux/amd64 or linux/arm64');
  });

  it("merge assembles every platform: a platform set for it is a usage error; --platform on a command that reads every platform too", async () => {
    const merge = await runPipeline(ws, ["merge", "fixture-base"], { ...target(), IMAGE_PLATFORM: "linux/arm64" });
    expect(merge.status).toBe(2);
    expect(merge.all).toContain("IMAGE_PLATFORM is linux/arm64, but merge assembles every platform of each image: unset it for merge");
    const plan = await runPipeline(ws, ["plan", "--platform", "linux/amd64"], target());
    expect(plan.status).toBe(2);
    expect(plan.all).toContain("--platform is for build, smoke, publish and load (plan reads every platform)");
  });

  it("merge with nothing staged: one message naming both platforms' staging tags and the job to run; the registry is left as it was", async () => {
    const run = await runPipeline(ws, ["merge", "fixture-base", "fixture-child"], target());
    expect(run.status, run.all).toBe(1);
    expect(run.all).toContain(
      `✘ merge failed: fixture-base: 1.0.0 not merged: linux/amd64 and linux/arm64 not staged (${registry.host}/acme/fixture-base:staging-1.0.0-linux-amd64, ${registry.host}/acme/fixture-base:staging-1.0.0-linux-arm64 absent): run publish with IMAGE_PLATFORM=linux/amd64 on a linux/amd64 runner first`,
    );
    // The child is not attempted after its parent failed, and says why.
    expect(run.all).toContain("fixture-child: not merged: its parent fixture-base failed in this run");
    expect(run.all).not.toMatch(/^\s+at /m);
    const client = new RegistryClient({ registry: registry.host });
    expect(await client.listTags("acme/fixture-base").catch(() => [])).toEqual([]);
    const result = JSON.parse(ws.read("dist/images/fixture-base/result.json"));
    expect(result).toMatchObject({ image: "fixture-base", command: "merge", status: "failed" });
  });

  it("merge of staging tags pushed by hand with this commit's labels but no SBOM by the release signer: refused, naming each platform, and nothing pushed", async () => {
    const client = new RegistryClient({ registry: registry.host });
    const repo = "handpushed";
    // The labels a real stage of this commit would carry: its revision and the inputs digest merge plans with.
    const dry = await runPipeline(ws, ["merge", "fixture-base", "--dry-run"], { ...target(), IMAGE_NAMESPACE: "hand-pushed-probe" });
    expect(dry.status).toBe(1);
    const inputsDigest = JSON.parse(ws.read("dist/images/fixture-base/result.json")).inputsDigest as string;
    expect(inputsDigest).toMatch(/^sha256:/);
    const labels = { "org.opencontainers.image.revision": ws.git("rev-parse", "HEAD"), "dev.image-tooling.inputs.digest": inputsDigest };
    const digests: Record<string, string> = {};
    for (const platform of ["linux/amd64", "linux/arm64"]) {
      const seeded = await seedImage(client, `${repo}/fixture-base`, `staging-1.0.0-${platform.replace("/", "-")}`, { platforms: [platform], labels });
      digests[platform] = seeded.platforms[platform]!.digest;
    }
    const tagsBefore = await client.listTags(`${repo}/fixture-base`);
    const run = await runPipeline(ws, ["merge", "fixture-base"], { ...target(), IMAGE_NAMESPACE: repo });
    expect(run.status, run.all).toBe(1);
    const tag = (p: string) => `${registry.host}/${repo}/fixture-base:staging-1.0.0-${p.replace("/", "-")} → ${digests[p]!.slice(0, 19)}…`;
    expect(run.all).toContain(
      `✘ merge failed: fixture-base: 1.0.0 not merged: linux/amd64 (${tag("linux/amd64")}): no SBOM attestation is attached to it (expected one signed by the configured cosign key); linux/arm64 (${tag("linux/arm64")}): no SBOM attestation is attached to it (expected one signed by the configured cosign key). Every stage of the release attaches its platform's SBOM signed by the release signer;`,
    );
    expect(run.all).toContain(
      "Re-run release.yml's publish job for linux/amd64 and linux/arm64 on this commit (publish with IMAGE_PLATFORM=<platform>), then merge again; never push a staging tag by hand. X.Y.Z is not pushed and no tag moves",
    );
    expect(run.all).not.toMatch(/^\s+at /m);
    expect(await client.listTags(`${repo}/fixture-base`)).toEqual(tagsBefore);
    expect(JSON.parse(ws.read("dist/images/fixture-base/result.json"))).toMatchObject({ image: "fixture-base", command: "merge", status: "failed" });
    // Their labels are this commit's: a dry run with no signer configured (it needs no credentials) checks only those, plans the merge, and says what it could not check.
    const unchecked = await runPipeline(ws, ["merge", "fixture-base", "--dry-run"], {
      ...target(),
      IMAGE_NAMESPACE: repo,
      COSIGN_PRIVATE_KEY: "",
      COSIGN_PASSWORD: "",
    });
    expect(unchecked.status, unchecked.all).toBe(0);
    expect(unchecked.all).toContain("(dry run: no signer configured here, so who signed the staged platforms' SBOMs is not checked; merge checks it)");
    expect(unchecked.all).toContain(`merge  linux/arm64                  ${digests["linux/arm64"]} (staged, tested on its own engine)`);
    expect(unchecked.all).toContain("(dry run: nothing merged, nothing pushed)");
    expect(await client.listTags(`${repo}/fixture-base`)).toEqual(tagsBefore);
  });
});
