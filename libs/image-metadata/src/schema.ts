import { z } from "zod";

/**
 * The one metadata file each image package carries (`image.yaml`).
 * Like bashbrew's library files, it is the single source for everything the
 * graph and the pipeline need to know about an image; the Dockerfile only
 * says how to build it.
 */
export const IMAGE_METADATA_FILE = "image.yaml";

export const SUPPORTED_PLATFORMS = ["linux/amd64", "linux/arm64"] as const;
export type Platform = (typeof SUPPORTED_PLATFORMS)[number];

// Lower-case DNS-ish names keep image, Nx project and npm package names identical.
const IMAGE_NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
/** What an image name may be, said the same way wherever one is checked. */
export const IMAGE_NAME_RULE = "must be lower-case letters, digits and single '.', '_' or '-' separators";

/**
 * Whether `name` is a valid image name (image.yaml `name`). Such a name never
 * contains '/', '..' or a leading '.', so it is safe as one path segment:
 * check a name read from anywhere else (a result file, a tag) before it
 * becomes part of a file path.
 */
export const isImageName = (name: string): boolean => IMAGE_NAME.test(name);
const DIGEST = /^sha256:[a-f0-9]{64}$/;
// A repository reference without tag or digest: the digest lives in its own field.
const IMAGE_REF_WITH_TAG = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?$/;

const relativePath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith("/") && !p.split(/[\\/]/).includes(".."), {
    message: "must be a path inside the package (relative, no '..')",
  });

export const externalBaseSchema = z
  .object({
    image: z
      .string()
      .regex(IMAGE_REF_WITH_TAG, "must be an image reference like docker.io/library/debian:bookworm-slim (the digest goes in base.digest)")
      .refine((ref) => !ref.includes("@"), { message: "must not contain '@': put the digest in base.digest" }),
    digest: z.string({ error: "is required: pin the base by digest (sha256:<64 hex>)" }).regex(DIGEST, "must be a sha256 digest: sha256:<64 lower-case hex>"),
  })
  .strict();

const SIZE = /^(\d+(?:\.\d+)?)\s*(B|kB|MB|GB)$/;
const SIZE_UNITS: Record<string, number> = { B: 1, kB: 1e3, MB: 1e6, GB: 1e9 };

/** A size with an SI unit (`300MB`, `1.2GB`), as bytes. */
export const sizeSchema = z
  .string()
  .regex(SIZE, "must be a size with an SI unit, e.g. 300MB, 1.2GB or 800kB")
  .transform((s) => {
    const [, n, unit] = SIZE.exec(s)!;
    return Math.round(Number(n) * SIZE_UNITS[unit!]!);
  });

export const budgetSchema = z
  .object({
    /** Largest compressed size (what a pull downloads) any one platform may have; smoke and publish fail above it. */
    compressedSize: sizeSchema.optional(),
  })
  .strict();

/** Severities as grype names them, most severe first; "none" in a policy never fails. */
export const SEVERITIES = ["critical", "high", "medium", "low", "negligible"] as const;
export type Severity = (typeof SEVERITIES)[number];

/**
 * The vulnerability gate of an image (image.yaml `vulnerabilities`, or the
 * repository default in image-tooling.yaml): smoke and publish fail on a
 * finding at `failOn` or above; `onlyFixed` counts only findings a fix exists for.
 */
export const vulnerabilityPolicySchema = z
  .object({
    failOn: z.enum([...SEVERITIES, "none"], { error: () => `must be one of ${[...SEVERITIES, "none"].join(", ")}` }),
    onlyFixed: z.boolean({ error: "must be true or false" }).default(true),
  })
  .strict();
export type VulnerabilityPolicy = z.output<typeof vulnerabilityPolicySchema>;

export const imageMetadataSchema = z
  .object({
    name: z.string().regex(IMAGE_NAME, IMAGE_NAME_RULE),
    description: z.string().min(1, "must not be empty"),
    platforms: z
      .array(z.enum(SUPPORTED_PLATFORMS, { error: () => `must be one of ${SUPPORTED_PLATFORMS.join(", ")}` }))
      .min(1, "must list at least one platform")
      .refine((ps) => new Set(ps).size === ps.length, { message: "must not repeat a platform" }),
    base: externalBaseSchema.optional(),
    parent: z.string().regex(IMAGE_NAME, "must be the name of another image package").optional(),
    dockerfile: relativePath.default("Dockerfile"),
    smoke: relativePath.default("smoke.yaml"),
    budget: budgetSchema.optional(),
    vulnerabilities: vulnerabilityPolicySchema.optional(),
  })
  .strict()
  .superRefine((meta, ctx) => {
    if (meta.base && meta.parent) {
      ctx.addIssue({
        code: "custom",
        path: ["parent"],
        message: "set either base (an external image pinned by digest) or parent (an image package), not both",
      });
    } else if (!meta.base && !meta.parent) {
      ctx.addIssue({
        code: "custom",
        path: ["base"],
        message: "is required unless parent is set: name an external base pinned by digest, or a parent image package",
      });
    }
    if (meta.parent === meta.name) {
      ctx.addIssue({ code: "custom", path: ["parent"], message: "an image cannot be its own parent" });
    }
  });

export type ImageMetadata = z.output<typeof imageMetadataSchema>;
export type ExternalBase = z.output<typeof externalBaseSchema>;
