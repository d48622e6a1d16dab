import { IMAGE_NAME_RULE, isImageName } from "@image-tooling/image-metadata";
import { z } from "zod";
import { AttestationRecord } from "../attest/attestation-record.ts";
import type { ImageChanges } from "../changes/compare.ts";
import type { VulnerabilityReport } from "../scan/report.ts";
import type { CheckResult } from "../smoke/run-smoke.ts";

/**
 * dist/images/<image>/result.json: one definition for the pipeline that
 * writes it and the release tools that read it back. Kept free of the
 * pipeline's runtime (zod and types only) so a reader loads nothing else.
 */

/** staged: one platform pushed under its staging tag for the merge (publish with --platform / IMAGE_PLATFORM). */
export const ImageStatus = z.enum(["built", "passed", "failed", "pushed", "staged", "skipped", "planned", "loaded"]);
export type ImageStatus = z.infer<typeof ImageStatus>;

// The action is any word: release notes print it verbatim, and older result files say "created", "moved", "skipped".
const TagRecord = z.object({ action: z.string(), digest: z.string().optional(), reason: z.string().optional() });

/** The machine-readable record of one image in one run. */
export const ImageResult = z.object({
  // Becomes a file path (dist/images/<image>, packages/<image>/CHANGELOG.md): the same rule as image.yaml's name.
  image: z.string().refine(isImageName, { message: `${IMAGE_NAME_RULE} (an image name from image.yaml); it is used in file paths` }),
  // Empty when the run stopped before it read the image's package.json.
  version: z.string(),
  command: z.enum(["build", "smoke", "publish", "merge", "plan", "load"]),
  channel: z.enum(["release", "branch"]).optional(),
  status: ImageStatus,
  /** Repository the tags live in, e.g. 127.0.0.1:5000/acme/tooling-k8s. */
  repository: z.string().optional(),
  /** Digest of the multi-platform index (publish). */
  digest: z.string().optional(),
  /** Per-platform manifest digests (publish). */
  platforms: z.record(z.string(), z.string()).optional(),
  /** Per-platform compressed size in bytes: the sum of its layer sizes in the registry (publish). */
  sizes: z.record(z.string(), z.number()).optional(),
  /** Each tag → what happened and the digest it points at afterwards. */
  tags: z.record(z.string(), TagRecord).optional(),
  /** Signature, SBOMs and provenance of `digest` (publish). */
  attestations: AttestationRecord.optional(),
  base: z.string().optional(),
  inputsDigest: z.string().optional(),
  // The pipeline's own records, passed through as written: their producers are their checks.
  checks: z.custom<CheckResult[]>().optional(),
  /** Publish (release channel): what changed since the previous release (tools, Debian packages, base, sizes). */
  changes: z.custom<ImageChanges>().optional(),
  /** Smoke and publish: the scan of every platform and the gate's verdict. */
  vulnerabilities: z.custom<VulnerabilityReport>().optional(),
  /** load: the platform put into the local Docker daemon, its tags there, its image ID and the tarball's size. */
  loaded: z.object({ platform: z.string(), tags: z.array(z.string()), imageId: z.string(), tarballBytes: z.number() }).optional(),
  notice: z.string().optional(),
  /** Why the run failed (status `failed`). */
  error: z.string().optional(),
  /** A failed publish: the tags it meant to write and did not (re-run to complete them). */
  pendingTags: z.array(z.string()).optional(),
  durationMs: z.number(),
});
export type ImageResult = z.infer<typeof ImageResult>;

/** A result file as the release tools accept it: hand-written fixtures and older runs may leave out the command and the duration. */
export const ResultFile = ImageResult.partial({ command: true, durationMs: true });
export type ResultFile = z.infer<typeof ResultFile>;
