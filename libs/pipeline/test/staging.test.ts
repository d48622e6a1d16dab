import { describe, expect, it } from "vitest";
import { sha256Digest } from "@image-tooling/oci-registry";
import { assembleIndex, planMerge, stagingTag, type MergeInput, type StagedPlatform } from "../src/stage/staging.ts";
import { planTags } from "../src/tags/plan-tags.ts";

const COMMIT = "a".repeat(40);
const INPUTS = `sha256:${"1".repeat(64)}`;
const staged = (platform: string, over: Partial<StagedPlatform> = {}): StagedPlatform => ({
  platform,
  digest: sha256Digest(platform),
  mediaType: "application/vnd.oci.image.manifest.v1+json",
  size: 1234,
  revision: COMMIT,
  inputsDigest: INPUTS,
  ...over,
});
const input = (over: Partial<MergeInput> = {}): MergeInput => ({
  image: "tooling-k8s",
  repository: "ghcr.io/acme/tooling-k8s",
  immutable: "1.4.0",
  platforms: ["linux/amd64", "linux/arm64"],
  staged: { "linux/amd64": staged("linux/amd64"), "linux/arm64": staged("linux/arm64") },
  commit: COMMIT,
  inputsDigest: INPUTS,
  sbom: { "linux/amd64": { ok: true }, "linux/arm64": { ok: true } },
  ...over,
});

describe("staging tags", () => {
  it("name the version and the platform, and are never read as a version or a floating line", () => {
    expect(stagingTag("1.4.0", "linux/arm64")).toBe("staging-1.4.0-linux-arm64");
    expect(stagingTag("1.4.0-feat-x.abc1234", "linux/amd64")).toBe("staging-1.4.0-feat-x.abc1234-linux-amd64");
    // A registry full of staging tags plans X.Y.Z and its floating tags as if they were not there.
    const staging = ["linux/amd64", "linux/arm64"].map((p) => stagingTag("2.0.0", p));
    const plan = planTags({ version: "1.4.0", existingTags: ["1.3.0", ...staging], channel: "release" });
    expect(plan.floating.map((s) => `${s.tag} ${s.action}`)).toEqual(["1.4 create", "1 create", "latest create"]);
  });
});

describe("planMerge", () => {
  it("merges every staged platform of this commit and inputs, in image.yaml's order", () => {
    const d = planMerge(input({ staged: { "linux/arm64": staged("linux/arm64"), "linux/amd64": staged("linux/amd64") } }));
    expect(d.kind).toBe("merge");
    expect(d.kind === "merge" && d.manifests.map((m) => m.platform)).toEqual(["linux/amd64", "linux/arm64"]);
  });

  it("refuses when a platform is not staged, naming it, its staging tag and the job to run", () => {
    expect(planMerge(input({ staged: { "linux/amd64": staged("linux/amd64"), "linux/arm64": null } }))).toEqual({
      kind: "refuse",
      error:
        "tooling-k8s: 1.4.0 not merged: linux/arm64 not staged (ghcr.io/acme/tooling-k8s:staging-1.4.0-linux-arm64 absent): run publish with IMAGE_PLATFORM=linux/arm64 on a linux/arm64 runner first (release.yml's publish job for that platform), then merge again; X.Y.Z is not pushed and no tag moves",
    });
  });

  it("refuses platforms staged from another commit, or from other files, naming each platform's origin", () => {
    const other = planMerge(input({ staged: { "linux/amd64": staged("linux/amd64"), "linux/arm64": staged("linux/arm64", { revision: "b".repeat(40) }) } }));
    expect(other).toEqual({
      kind: "refuse",
      error: `tooling-k8s: 1.4.0 not merged: the staged platforms are not all this commit's build (this is aaaaaaaaaaaa, inputs sha256:11111; staged: linux/amd64 from commit aaaaaaaaaaaa (inputs sha256:11111), linux/arm64 from commit bbbbbbbbbbbb (inputs sha256:11111)): re-run publish with IMAGE_PLATFORM=linux/arm64 for linux/arm64 on this commit, then merge again; X.Y.Z is not pushed and no tag moves`,
    });
    const inputs = planMerge(
      input({ staged: { "linux/amd64": staged("linux/amd64", { inputsDigest: `sha256:${"2".repeat(64)}` }), "linux/arm64": staged("linux/arm64") } }),
    );
    expect(inputs.kind === "refuse" && inputs.error).toContain("linux/amd64 from commit aaaaaaaaaaaa (inputs sha256:22222)");
    expect(inputs.kind === "refuse" && inputs.error).toContain("re-run publish with IMAGE_PLATFORM=linux/amd64 for linux/amd64");
    const unlabelled = planMerge(input({ staged: { "linux/amd64": staged("linux/amd64", { revision: undefined }), "linux/arm64": staged("linux/arm64") } }));
    expect(unlabelled.kind === "refuse" && unlabelled.error).toContain("linux/amd64 from commit none");
  });

  it("refuses a staged platform whose digest has no SBOM signed by the release signer, whatever its labels say, naming its staging tag, why, and the job to re-run", () => {
    // Labels copied from a real stage: commit and inputs match, but no stage of the release attached an SBOM to this digest.
    const unsigned = planMerge(
      input({
        sbom: {
          "linux/amd64": { ok: true },
          "linux/arm64": { ok: false, reason: "no SBOM attestation is attached to it (expected one signed by the configured cosign key)" },
        },
      }),
    );
    expect(unsigned).toEqual({
      kind: "refuse",
      error: `tooling-k8s: 1.4.0 not merged: linux/arm64 (ghcr.io/acme/tooling-k8s:staging-1.4.0-linux-arm64 → ${sha256Digest("linux/arm64").slice(0, 19)}…): no SBOM attestation is attached to it (expected one signed by the configured cosign key). Every stage of the release attaches its platform's SBOM signed by the release signer; without it a digest is not known to be built, smoke-tested and scanned by the release, whatever its labels say. Re-run release.yml's publish job for linux/arm64 on this commit (publish with IMAGE_PLATFORM=linux/arm64), then merge again; never push a staging tag by hand. X.Y.Z is not pushed and no tag moves`,
    });
    // Signed, but by someone else: who, instead of whom.
    const wrongSigner = planMerge(
      input({
        sbom: {
          "linux/amd64": {
            ok: false,
            reason:
              "its SBOM attestation is not signed by https://github.com/acme/images/.github/workflows/release.yml@refs/heads/main (issuer https://token.actions.githubusercontent.com): signed by https://github.com/acme/images/.github/workflows/ci.yml@refs/pull/7/merge, not https://github.com/acme/images/.github/workflows/release.yml@refs/heads/main",
          },
          "linux/arm64": { ok: true },
        },
      }),
    );
    expect(wrongSigner.kind).toBe("refuse");
    const error = wrongSigner.kind === "refuse" ? wrongSigner.error : "";
    expect(error).toContain("linux/amd64 (ghcr.io/acme/tooling-k8s:staging-1.4.0-linux-amd64 → ");
    expect(error).toContain("signed by https://github.com/acme/images/.github/workflows/ci.yml@refs/pull/7/merge, not https://github.com/acme/images/");
    expect(error).toContain("Re-run release.yml's publish job for linux/amd64 on this commit (publish with IMAGE_PLATFORM=linux/amd64)");
    expect(error).not.toContain("linux/arm64 (");
  });

  it("names every platform without the release's SBOM; a staged platform with no verdict at all is refused, never waved through", () => {
    const both = planMerge(
      input({
        sbom: {
          "linux/amd64": { ok: false, reason: "no SBOM attestation is attached to it" },
          "linux/arm64": { ok: false, reason: "its signature does not verify" },
        },
      }),
    );
    const error = both.kind === "refuse" ? both.error : "";
    expect(error).toContain("linux/amd64 (ghcr.io/acme/tooling-k8s:staging-1.4.0-linux-amd64");
    expect(error).toContain("linux/arm64 (ghcr.io/acme/tooling-k8s:staging-1.4.0-linux-arm64");
    expect(error).toContain("Re-run release.yml's publish job for linux/amd64 and linux/arm64 on this commit (publish with IMAGE_PLATFORM=<platform>)");
    const unchecked = planMerge(input({ sbom: { "linux/amd64": { ok: true } } }));
    expect(unchecked.kind === "refuse" && unchecked.error).toContain("linux/arm64 (ghcr.io/acme/tooling-k8s:staging-1.4.0-linux-arm64 → sha256:");
    expect(unchecked.kind === "refuse" && unchecked.error).toContain("its SBOM was not checked");
  });

  it("the SBOM check comes before the labels (a hand-pushed tag is named as such), and a dry run without a signer (sbom null) checks only the labels", () => {
    const forged = planMerge(
      input({
        staged: { "linux/amd64": staged("linux/amd64"), "linux/arm64": staged("linux/arm64", { revision: "b".repeat(40) }) },
        sbom: { "linux/amd64": { ok: true }, "linux/arm64": { ok: false, reason: "no SBOM attestation is attached to it" } },
      }),
    );
    expect(forged.kind === "refuse" && forged.error).toContain("never push a staging tag by hand");
    expect(planMerge(input({ sbom: null })).kind).toBe("merge");
    const labels = planMerge(
      input({ sbom: null, staged: { "linux/amd64": staged("linux/amd64"), "linux/arm64": staged("linux/arm64", { revision: "b".repeat(40) }) } }),
    );
    expect(labels.kind === "refuse" && labels.error).toContain("linux/arm64 from commit bbbbbbbbbbbb");
  });

  it("merges only the platforms the image is built for", () => {
    const d = planMerge(input({ platforms: ["linux/amd64"], staged: { "linux/amd64": staged("linux/amd64"), "linux/arm64": null } }));
    expect(d.kind === "merge" && d.manifests.map((m) => m.platform)).toEqual(["linux/amd64"]);
  });
});

describe("assembleIndex", () => {
  it("refers to each staged manifest by its digest, size and media type, with its platform", () => {
    const manifests = [staged("linux/amd64"), staged("linux/arm64", { mediaType: "application/vnd.docker.distribution.manifest.v2+json", size: 99 })];
    const index = assembleIndex(manifests);
    expect(index.mediaType).toBe("application/vnd.oci.image.index.v1+json");
    expect(JSON.parse(index.bytes.toString("utf8"))).toEqual({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.index.v1+json",
      manifests: [
        {
          mediaType: "application/vnd.oci.image.manifest.v1+json",
          digest: sha256Digest("linux/amd64"),
          size: 1234,
          platform: { architecture: "amd64", os: "linux" },
        },
        {
          mediaType: "application/vnd.docker.distribution.manifest.v2+json",
          digest: sha256Digest("linux/arm64"),
          size: 99,
          platform: { architecture: "arm64", os: "linux" },
        },
      ],
    });
    // The same platforms make the same bytes: a re-run's merge is the same digest.
    expect(sha256Digest(assembleIndex(manifests).bytes)).toBe(sha256Digest(index.bytes));
  });
});
