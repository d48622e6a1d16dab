import type { Platform } from "@image-tooling/image-metadata";
import { MediaType, parsePlatform, type ImageIndex } from "@image-tooling/oci-registry";

/**
 * Native per-platform publishing, the pure part. Each platform is built and
 * tested on its own engine (its own runner) and pushed by digest under a
 * staging tag; a merge then assembles X.Y.Z from those exact digests. What
 * the registry holds is read by read-staged.ts; stage-command.ts and
 * merge-command.ts carry the decisions out.
 */

/**
 * The tag a platform's tested manifest waits under until the merge:
 * `staging-<X.Y.Z>-<os>-<arch>`. Never a release (it starts with `staging-`,
 * so no semver or floating-tag rule reads it as a version), mutable (a
 * re-run of the same platform replaces it), and harmless once X.Y.Z exists:
 * X.Y.Z's index refers to the same manifest by digest, so deleting the tag
 * deletes nothing X.Y.Z needs.
 */
export function stagingTag(immutable: string, platform: Platform | string): string {
  return `staging-${immutable}-${platform.replace(/\//g, "-")}`;
}

/** One platform's staged manifest as the registry holds it, with the labels that say where it came from. */
export interface StagedPlatform {
  platform: string;
  /** The platform manifest's digest: what was smoke-tested, scanned and given an SBOM. */
  digest: string;
  mediaType: string;
  size: number;
  /** org.opencontainers.image.revision: the commit it was built from. */
  revision?: string;
  /** The inputs-digest label. */
  inputsDigest?: string;
}

/**
 * Whether a staged platform's digest carries the SBOM attestation its stage
 * attached, signed by the release's signer (stage/staged-sbom.ts reads it).
 * Only a publish job of the release can sign as the release, so this — not
 * the labels, which anyone who can push a tag can copy — is what says the
 * digest is one a stage built, smoke-tested and scanned.
 */
export type SbomVerdict = { ok: true } | { ok: false; reason: string };

export type MergeDecision = { kind: "merge"; manifests: StagedPlatform[] } | { kind: "refuse"; error: string };

export interface MergeInput {
  image: string;
  /** `<registry>/<namespace>/<image>`. */
  repository: string;
  immutable: string;
  /** The platforms image.yaml lists, in its order: the order of the index. */
  platforms: readonly string[];
  /** What each platform's staging tag holds (null: absent). */
  staged: Readonly<Record<string, StagedPlatform | null>>;
  commit: string;
  inputsDigest: string;
  /**
   * Each staged platform's SBOM verdict (a staged platform without one is
   * refused). null only in a dry run where no signer is configured: nothing
   * is checked there, and nothing is pushed either.
   */
  sbom: Readonly<Record<string, SbomVerdict | undefined>> | null;
}

const short = (s: string | undefined): string => (s ? s.slice(0, 12) : "none");

/**
 * Whether X.Y.Z can be assembled from the staged platforms: every platform
 * image.yaml lists is staged, each digest carries its SBOM signed by the
 * release's signer (the proof a stage made it: a staging tag pushed by hand
 * with copied labels has none), and each is from this commit and from this
 * commit's inputs. Anything else is one error naming what is missing or
 * mismatched and the job to re-run; no index is made and no tag moves.
 */
export function planMerge(input: MergeInput): MergeDecision {
  const { image, repository, immutable } = input;
  const missing = input.platforms.filter((p) => !input.staged[p]);
  if (missing.length) {
    return {
      kind: "refuse",
      error: `${image}: ${immutable} not merged: ${missing.join(" and ")} not staged (${missing.map((p) => `${repository}:${stagingTag(immutable, p)}`).join(", ")} absent): run publish with IMAGE_PLATFORM=${missing[0]} on a ${missing[0]} runner first (release.yml's publish job for that platform), then merge again; X.Y.Z is not pushed and no tag moves`,
    };
  }
  const staged = input.platforms.map((p) => input.staged[p]!);
  const sboms = input.sbom;
  if (sboms) {
    const unproven = staged.filter((s) => !sboms[s.platform]?.ok);
    if (unproven.length) {
      const each = unproven.map((s) => {
        const verdict = sboms[s.platform];
        const reason = verdict && !verdict.ok ? verdict.reason : "its SBOM was not checked";
        return `${s.platform} (${repository}:${stagingTag(immutable, s.platform)} → ${s.digest.slice(0, 19)}…): ${reason}`;
      });
      const bad = unproven.map((s) => s.platform);
      return {
        kind: "refuse",
        error: `${image}: ${immutable} not merged: ${each.join("; ")}. Every stage of the release attaches its platform's SBOM signed by the release signer; without it a digest is not known to be built, smoke-tested and scanned by the release, whatever its labels say. Re-run release.yml's publish job for ${bad.join(" and ")} on this commit (publish with IMAGE_PLATFORM=${bad.length > 1 ? "<platform>" : bad[0]}), then merge again; never push a staging tag by hand. X.Y.Z is not pushed and no tag moves`,
      };
    }
  }
  const fromOtherCommit = staged.filter((s) => s.revision !== input.commit);
  const fromOtherInputs = staged.filter((s) => s.inputsDigest !== input.inputsDigest);
  if (fromOtherCommit.length || fromOtherInputs.length) {
    const each = staged.map((s) => `${s.platform} from commit ${short(s.revision)} (inputs ${short(s.inputsDigest)})`).join(", ");
    const stale = [...new Set([...fromOtherCommit, ...fromOtherInputs].map((s) => s.platform))];
    return {
      kind: "refuse",
      error: `${image}: ${immutable} not merged: the staged platforms are not all this commit's build (this is ${short(input.commit)}, inputs ${short(input.inputsDigest)}; staged: ${each}): re-run publish with IMAGE_PLATFORM=${stale[0]} for ${stale.join(" and ")} on this commit, then merge again; X.Y.Z is not pushed and no tag moves`,
    };
  }
  return { kind: "merge", manifests: staged };
}

/**
 * The OCI index of the staged platform manifests, referred to by digest
 * exactly as tested: nothing is rebuilt or re-encoded, so each platform's
 * SBOM and vulnerability report (attached to its digest) stay valid.
 */
export function assembleIndex(manifests: readonly StagedPlatform[]): { mediaType: string; bytes: Buffer } {
  const index: ImageIndex = {
    schemaVersion: 2,
    mediaType: MediaType.ociIndex,
    manifests: manifests.map((m) => {
      const { os, architecture, variant } = parsePlatform(m.platform);
      return { mediaType: m.mediaType, digest: m.digest, size: m.size, platform: { architecture, os, ...(variant && { variant }) } };
    }),
  };
  return { mediaType: MediaType.ociIndex, bytes: Buffer.from(JSON.stringify(index)) };
}
