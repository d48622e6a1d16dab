import { type Arch, expandTemplate, fieldOf, ImageMetadataError, pinFields, updateSourceSchema } from "@image-tooling/image-metadata";
import { z } from "zod";

/**
 * libs/pipeline/helper-tools.lock.json: the pipeline's helper binaries
 * (cosign, syft, grype), each pinned by version, its upstream release
 * download per arch with that download's sha256, and the Go package that
 * builds the same version where downloads cannot be reached. The fields
 * mean what they mean in packages/*\/tools.lock.json (the pieces are shared),
 * so `npm run tools:update` keeps both locks with one updater.
 */
export const HELPER_LOCK_FILE = "libs/pipeline/helper-tools.lock.json";

export const helperToolSchema = z
  .object({
    version: pinFields.version,
    homepage: pinFields.httpsUrl,
    /** The main package `go install` builds at v{version}, e.g. github.com/sigstore/cosign/v3/cmd/cosign. */
    goPackage: z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}(\/[A-Za-z0-9._~-]+)+$/, "must be a Go package path like github.com/owner/repo/cmd/tool"),
    /** The release download, a template with {version} and {arch}. */
    url: pinFields.httpsTemplate,
    archNames: pinFields.archNames.optional(),
    archive: z.enum(["binary", "tar.gz"]),
    /** Path of the executable inside a tar.gz. */
    member: pinFields.memberPath.optional(),
    /**
     * sha256 of each arch's download. Absent: no verified download is pinned
     * yet, so the tool is built with Go wherever it runs, until tools:update
     * reads the hashes from upstream's checksum file.
     */
    sha256: pinFields.sha256PerArch.optional(),
    /** Public URLs where the version and hashes can be checked. */
    sources: z.array(pinFields.httpsUrl).min(1, "must name where the version and hashes come from"),
    update: updateSourceSchema,
  })
  .strict()
  .superRefine((t, ctx) => {
    if (t.archive === "tar.gz" && !t.member)
      ctx.addIssue({ code: "custom", path: ["member"], message: "is required for a tar.gz: the executable's path inside it" });
  });

export const helperLockSchema = z
  .object({
    $comment: z.string().optional(),
    tools: z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, "tool names are lower-case"), helperToolSchema),
  })
  .strict();

export type HelperTool = z.output<typeof helperToolSchema>;
export type HelperLock = z.output<typeof helperLockSchema>;

/** Parses the lock's text (pure); every problem names the file and field, reported like any metadata problem (ImageMetadataError). */
export function parseHelperLock(text: string, file = HELPER_LOCK_FILE): HelperLock {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ImageMetadataError([{ file, message: `is not valid JSON: ${(e as Error).message}` }]);
  }
  const parsed = helperLockSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ImageMetadataError(
      parsed.error.issues.map((issue) =>
        issue.code === "unrecognized_keys"
          ? { file, field: fieldOf([...issue.path, issue.keys[0]!]), message: "is not a known field" }
          : { file, field: fieldOf(issue.path), message: issue.message },
      ),
    );
  }
  return parsed.data;
}

/** The lock's entry for one helper; a helper the pipeline needs but the lock lacks is a problem in the lock. */
export function helperEntry(lock: HelperLock, name: string, file = HELPER_LOCK_FILE): HelperTool {
  const entry = lock.tools[name];
  if (!entry)
    throw new ImageMetadataError([{ file, field: `tools.${name}`, message: "is missing: the pipeline needs it", hint: `pin ${name} like the other tools` }]);
  return entry;
}

/** The architecture of a Node process as the locks spell it; null where no download is pinned for it. */
export function archOf(nodeArch: string): Arch | null {
  return nodeArch === "x64" ? "amd64" : nodeArch === "arm64" ? "arm64" : null;
}

/** A verified download to fetch: where from, and the sha256 it must have. */
export interface DownloadPin {
  tool: string;
  version: string;
  arch: Arch;
  url: string;
  sha256: string;
  archive: HelperTool["archive"];
  member?: string;
}

/**
 * What to download for this helper on this host, or why nothing can be (pure):
 * the caller builds from Go instead and says the reason.
 */
export function downloadPin(name: string, tool: HelperTool, platform: string, arch: Arch | null): DownloadPin | { none: string } {
  if (platform !== "linux") return { none: `release binaries are pinned for linux only, this is ${platform}` };
  if (arch === null) return { none: "release binaries are pinned for amd64 and arm64 only" };
  if (!tool.sha256)
    return {
      none: `${HELPER_LOCK_FILE} has no verified download of ${name} ${tool.version} yet (npm run tools:update pins one from upstream's checksum file)`,
    };
  return {
    tool: name,
    version: tool.version,
    arch,
    url: expandTemplate(tool.url, tool, arch),
    sha256: tool.sha256[arch],
    archive: tool.archive,
    ...(tool.member ? { member: expandTemplate(tool.member, tool, arch) } : {}),
  };
}

/** How helpers are installed: HELPER_TOOLS, read once by the command that installs them. */
export type HelperMode = "download" | "build" | "auto";
export const HELPER_MODES: readonly HelperMode[] = ["download", "build", "auto"];

export class HelperConfigError extends Error {
  override name = "HelperConfigError";
}

/** HELPER_TOOLS's value as a mode (pure); unset or empty is auto. */
export function parseHelperMode(value: string | undefined): HelperMode {
  const v = (value ?? "").trim();
  if (v === "") return "auto";
  if ((HELPER_MODES as readonly string[]).includes(v)) return v as HelperMode;
  throw new HelperConfigError(
    `HELPER_TOOLS=${v} is not a mode: use download (verified release binaries), build (Go from the module proxy) or auto (download when reachable, else build; the default)`,
  );
}
