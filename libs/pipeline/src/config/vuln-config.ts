import { z } from "zod";
import { ImageMetadataError, vulnerabilityPolicySchema, type VulnerabilityPolicy } from "@image-tooling/image-metadata";

/**
 * Where the vulnerability database comes from, how old it may be, and the
 * repository's default gate: image-tooling.yaml `vulnerabilities`, with
 * IMAGE_VULN_DB and IMAGE_VULN_DB_MAX_AGE overriding it. Resolved once at the
 * CLI's edge; nothing below reads the environment. Pure.
 */

/** upstream: grype's own listing (needs the internet); oci: an artifact in a registry; file: a `grype db` archive on disk. */
export type DbSource = { kind: "upstream" } | { kind: "oci"; ref: string } | { kind: "file"; path: string };

export interface VulnConfig {
  database: DbSource;
  /** A database built longer ago than this is an error, never a silent pass. */
  maxAgeMs: number;
  /** The gate of images whose image.yaml sets none. */
  policy: VulnerabilityPolicy;
}

export const DEFAULT_VULN_POLICY: VulnerabilityPolicy = { failOn: "critical", onlyFixed: true };
/** grype's own default for its database's age. */
export const DEFAULT_MAX_AGE = "5d";

const AGE = /^(\d+)\s*(h|d)$/;

export const vulnFileSchema = z
  .object({
    database: z.string().min(1, "must be upstream, oci://<registry>/<repository>:<tag> or a file path").optional(),
    maxAge: z.string().regex(AGE, "must be hours or days, e.g. 120h or 5d").optional(),
    failOn: vulnerabilityPolicySchema.shape.failOn.optional(),
    onlyFixed: z.boolean({ error: "must be true or false" }).optional(),
  })
  .strict();

export function parseDbSource(value: string): DbSource {
  if (value === "upstream") return { kind: "upstream" };
  if (value.startsWith("oci://")) return { kind: "oci", ref: value.slice("oci://".length) };
  return { kind: "file", path: value.replace(/^file:\/\//, "") };
}

export const describeDbSource = (s: DbSource): string => (s.kind === "upstream" ? "upstream (grype's listing)" : s.kind === "oci" ? `oci://${s.ref}` : s.path);

function ageMs(value: string): number {
  const [, n, unit] = AGE.exec(value)!;
  return Number(n) * (unit === "h" ? 3_600_000 : 86_400_000);
}

/** `file`: the parsed `vulnerabilities` section of image-tooling.yaml (already validated), or undefined. */
export function resolveVulnConfig(file: z.output<typeof vulnFileSchema> | undefined, env: Record<string, string | undefined>, configFile: string): VulnConfig {
  const maxAge = env.IMAGE_VULN_DB_MAX_AGE || file?.maxAge || DEFAULT_MAX_AGE;
  if (!AGE.test(maxAge)) {
    throw new ImageMetadataError([
      {
        file: "environment variable IMAGE_VULN_DB_MAX_AGE",
        message: `is "${maxAge}": must be hours or days, e.g. 120h or 5d`,
        hint: `fix or unset it (it overrides ${configFile})`,
      },
    ]);
  }
  return {
    database: parseDbSource(env.IMAGE_VULN_DB || file?.database || "upstream"),
    maxAgeMs: ageMs(maxAge),
    policy: { failOn: file?.failOn ?? DEFAULT_VULN_POLICY.failOn, onlyFixed: file?.onlyFixed ?? DEFAULT_VULN_POLICY.onlyFixed },
  };
}
