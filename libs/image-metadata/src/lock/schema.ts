import { z } from "zod";
import { installPathProblem, memberPathProblem } from "./paths.ts";

/**
 * tools.lock.json: the one machine-readable pin file of an image. The
 * Dockerfile's fetch stage reads it (fetch-tools), the README, the Dockerfile
 * label, the smoke version checks and the toolbox data are generated from it,
 * and an updater can rewrite it without touching anything else.
 */
export const LOCK_FILE = "tools.lock.json";

export const ARCHES = ["amd64", "arm64"] as const;
export type Arch = (typeof ARCHES)[number];

/** The placeholders a URL or member template may use, expanded per TARGETARCH. */
export const TEMPLATE_PLACEHOLDERS = ["version", "arch"] as const;

const SHA256 = /^[a-f0-9]{64}$/;
// Everything that lands in a tab-separated toolbox data line must stay on one line.
const oneLine = z
  .string()
  .min(1, "must not be empty")
  .regex(/^[^\t\r\n]*$/, "must be one line without tabs");
const httpsUrl = z.string().regex(/^https:\/\/[^\s]+$/, "must be an https:// URL");
const version = z
  .string()
  .regex(/^[0-9A-Za-z][0-9A-Za-z.+_-]*$/, "must be an exact version like 1.2.3")
  .refine((v) => !/latest|stable|nightly/i.test(v), { message: "must be an exact version, not a moving name like latest" });
const sha256 = z.string({ error: "is required: a 64-hex sha256" }).regex(SHA256, "must be a sha256: 64 lower-case hex");
/** A path checked by one of ./paths.ts, with that check's own message. */
const checkedPath = (problem: (path: string) => string | undefined) =>
  z
    .string()
    .min(1, "must not be empty")
    .regex(/^[^\s\\]*$/, "must be a path without spaces or backslashes")
    .superRefine((path, ctx) => {
      const message = problem(path);
      if (message) ctx.addIssue({ code: "custom", message });
    });
const installPath = checkedPath(installPathProblem);
const memberPath = checkedPath(memberPathProblem);
const DEBIAN_NAME = "[a-z0-9][a-z0-9+.-]+";
// Debian policy's version syntax, [epoch:]upstream[-revision]: apt installs exactly this or fails.
const DEBIAN_VERSION = "(?:[0-9]+:)?[0-9][A-Za-z0-9.+~-]*";
const debianPackageName = z.string().regex(new RegExp(`^${DEBIAN_NAME}$`), "must be a Debian package name");
const debianPackage = z
  .string()
  .regex(new RegExp(`^${DEBIAN_NAME}(=${DEBIAN_VERSION})?$`), "must be a Debian package name, or name=version to pin it (e.g. python3-foo=1.2.3-1)");

/** A template may use {version} and {arch}; a versions URL may also use {track}. */
const httpsTemplate = z.string().regex(/^https:\/\/[^\s]+$/, "must be an https:// URL template");
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date like 2026-12-03");

/**
 * The pieces a download pin is made of, shared with the pipeline's own
 * helper-binary lock (libs/pipeline/helper-tools.lock.json), so both locks
 * spell a version, a hash, an URL template and an archive member alike.
 */
export const pinFields = {
  version,
  httpsUrl,
  httpsTemplate,
  sha256PerArch: z.object({ amd64: sha256, arm64: sha256 }, { error: "is required: a sha256 for amd64 and for arm64" }).strict(),
  archNames: z.object({ amd64: oneLine, arm64: oneLine }).strict(),
  memberPath,
} as const;

/**
 * Where the updater (`npm run tools:update`) finds newer versions of a tool
 * and the sha256 of each architecture's download.
 */
export const updateSourceSchema = z
  .object({
    versions: z.union([
      z
        .object({
          /** owner/name of the GitHub repository whose releases (or tags) carry the versions. */
          github: z.string().regex(/^[A-Za-z0-9][\w.-]*\/[\w.-]+$/, "must be a GitHub repository as owner/name"),
          /** The tag of a version: {version} stands for an X.Y.Z version (e.g. "v{version}", "jq-{version}"). */
          tag: oneLine.refine((t) => t.includes("{version}"), { message: "must contain {version}" }),
          /** "releases" (default: published, non-prerelease GitHub releases) or "tags" (repositories that only tag). */
          from: z.enum(["releases", "tags"]).optional(),
        })
        .strict(),
      z
        .object({
          /** A URL whose body is the newest version's tag, e.g. https://dl.k8s.io/release/stable-{track}.txt. */
          url: httpsTemplate,
          /** The same without the track (e.g. https://dl.k8s.io/release/stable.txt): the newest overall. */
          newestUrl: httpsTemplate.optional(),
          tag: oneLine.refine((t) => t.includes("{version}"), { message: "must contain {version}" }),
        })
        .strict(),
    ]),
    /** Stay on this major ("4") or minor ("1.37") line; never leave it unless the lock is edited. */
    track: z
      .string()
      .regex(/^[0-9]+(\.[0-9]+)?$/, 'must be a major ("4") or major.minor ("1.37") version')
      .optional(),
    /** Release notes of a version (template with {version}); GitHub sources default to the release page. */
    notes: httpsTemplate.optional(),
    checksums: z.discriminatedUnion("format", [
      /** `<sha256>  <file name>` lines (sha256sum output); the entry for each arch is the download URL's file name. */
      z.object({ format: z.literal("sha256sum"), url: httpsTemplate }).strict(),
      /** A file holding just the sha256 of one download (usually with {arch} in its URL). */
      z.object({ format: z.literal("sha256"), url: httpsTemplate }).strict(),
      /** yq's `checksums` (file name, then one hash per algorithm) and `checksums_hashes_order` (the algorithms, one a line). */
      z.object({ format: z.literal("yq"), url: httpsTemplate, order: httpsTemplate }).strict(),
      /** Upstream publishes no checksums: the updater downloads every arch and records the sha256 it computed, and when. */
      z.object({ format: z.literal("computed"), computedOn: isoDate.optional() }).strict(),
    ]),
  })
  .strict()
  .superRefine((u, ctx) => {
    if ("url" in u.versions && u.versions.url.includes("{track}") && u.track === undefined) {
      ctx.addIssue({ code: "custom", path: ["track"], message: "is required: versions.url contains {track}" });
    }
  });

/**
 * A detached OpenPGP signature checked by fetch-tools in addition to the
 * sha256: the key is pinned here (armored) and must have this fingerprint.
 */
export const signatureSchema = z
  .object({
    /** URL template of the detached signature, e.g. "{url}.sig" style: https://…/file-{arch}-{version}.zip.sig */
    url: httpsTemplate,
    /** 40-hex fingerprint of the signing key, as its publisher documents it. */
    fingerprint: z.string().regex(/^[0-9A-F]{40}$/, "must be a 40-hex upper-case OpenPGP fingerprint"),
    /** Where the publisher documents the key and fingerprint. */
    keySource: httpsUrl,
    /** The publisher's armored public key. */
    key: z.string().regex(/^-----BEGIN PGP PUBLIC KEY BLOCK-----\n[\s\S]+\n-----END PGP PUBLIC KEY BLOCK-----\n?$/, "must be an armored OpenPGP public key"),
  })
  .strict();

const common = {
  version,
  description: oneLine,
  homepage: httpsUrl,
  /** Where the command lands in the image. */
  install: installPath,
  /** argv printing the tool's version; the smoke spec and toolbox-help run it. */
  versionCommand: z.array(oneLine).min(1, "must be a non-empty argv list"),
  /** A regex the version command's output matches; {version} stands for the escaped pinned version. */
  versionPattern: oneLine.refine((p) => p.includes("{version}"), { message: "must contain {version}" }),
  examples: z.array(oneLine).min(1, "must give at least one usage example"),
  /** Where the version and hashes come from: public URLs a reader can follow (checksum file, release page, independent pins). */
  sources: z.array(httpsUrl).min(1, "must name where the version and hashes come from"),
};

export const downloadToolSchema = z
  .object({
    ...common,
    source: z.literal("download").optional(),
    /** https URL template with {version} and {arch}. */
    url: z.string().regex(/^https:\/\//, "must be an https:// URL template"),
    /** How upstream spells each architecture in its URLs (default: amd64/arm64). */
    archNames: pinFields.archNames.optional(),
    sha256: pinFields.sha256PerArch,
    archive: z.enum(["binary", "tar.gz", "zip"]),
    /** Path of the executable inside a tar.gz (template). */
    member: memberPath.optional(),
    /** How a zip is installed: only known installers, no free-form commands. */
    installer: z.enum(["aws-cli-v2"]).optional(),
    /** Where newer versions and their checksums come from (npm run tools:update). */
    update: updateSourceSchema,
    signature: signatureSchema.optional(),
  })
  .strict()
  .superRefine((t, ctx) => {
    if (t.archive === "tar.gz" && !t.member)
      ctx.addIssue({ code: "custom", path: ["member"], message: "is required for a tar.gz: the executable's path inside it" });
    if (t.archive === "zip" && !t.installer) ctx.addIssue({ code: "custom", path: ["installer"], message: "is required for a zip (aws-cli-v2)" });
  });

export const pipToolSchema = z
  .object({
    ...common,
    source: z.literal("pip"),
    /** The requirement in python.requirements that provides the command. */
    package: z.string().min(1),
  })
  .strict();

/**
 * A command from a Debian package of the base's release. apt checks every file
 * against the archive's signed Release and Packages hashes, so no sha256 here;
 * the pin is the package's `name=version` entry in debian.packages, and
 * `version` is the upstream version the command reports.
 */
export const debianToolSchema = z
  .object({
    ...common,
    source: z.literal("debian"),
    /** The debian.packages entry (pinned as name=version) that provides the command. */
    package: debianPackageName,
  })
  .strict();

// Same order as TOOL_SOURCES: read-lock reports the reasons of the branch a tool's "source" asks for.
export const toolSchema = z.union([downloadToolSchema, pipToolSchema, debianToolSchema]);
export const TOOL_SOURCES = ["download", "pip", "debian"] as const;

export const debianCommandSchema = z
  .object({
    versionCommand: z.array(oneLine).min(1),
    description: oneLine,
    examples: z.array(oneLine).min(1),
  })
  .strict();

export const pythonRequirementSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "must be a PyPI project name"),
    version,
    /** sha256 of every wheel pip may pick on each architecture (pip --require-hashes). */
    sha256: z.object({ amd64: z.array(z.string()), arm64: z.array(z.string()) }).strict(),
  })
  .strict();

export const lockSchema = z
  .object({
    $comment: z.string().optional(),
    image: z.string().min(1),
    tools: z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, "tool names are lower-case"), toolSchema),
    /** Packages from the base's Debian archive (apt verifies them with the archive's signatures). */
    debian: z
      .object({
        packages: z.array(debianPackage),
        /** Commands from those packages that toolbox-help lists. */
        commands: z.record(z.string(), debianCommandSchema).default({}),
      })
      .strict()
      .default({ packages: [], commands: {} }),
    python: z
      .object({
        index: httpsUrl,
        constraints: z.string().min(1),
        requirements: z.array(pythonRequirementSchema).min(1),
      })
      .strict()
      .optional(),
  })
  .strict();

export type ToolsLock = z.output<typeof lockSchema>;
export type LockTool = z.output<typeof toolSchema>;
export type DownloadTool = z.output<typeof downloadToolSchema>;
export type PipTool = z.output<typeof pipToolSchema>;
export type DebianTool = z.output<typeof debianToolSchema>;
export type UpdateSource = z.output<typeof updateSourceSchema>;

export const isDownloadTool = (t: LockTool): t is DownloadTool => t.source === undefined || t.source === "download";
export const isPipTool = (t: LockTool): t is PipTool => t.source === "pip";
export const isDebianTool = (t: LockTool): t is DebianTool => t.source === "debian";

/** A debian.packages entry split into the package name and its pinned version, if any. */
export function parseDebianPackage(entry: string): { name: string; version: string | null } {
  const eq = entry.indexOf("=");
  return eq < 0 ? { name: entry, version: null } : { name: entry.slice(0, eq), version: entry.slice(eq + 1) };
}

/** The upstream part of a Debian version: no epoch, no Debian revision ("1:9.7.0-2" -> "9.7.0"). */
export function debianUpstreamVersion(version: string): string {
  const noEpoch = version.replace(/^[0-9]+:/, "");
  const dash = noEpoch.lastIndexOf("-");
  return dash < 0 ? noEpoch : noEpoch.slice(0, dash);
}
export const isSha256 = (s: string): boolean => SHA256.test(s);
