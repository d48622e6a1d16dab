import { parseDocument } from "yaml";
import { z } from "zod";
import { ImageMetadataError } from "./errors.ts";

/**
 * The smoke spec (smoke.yaml by default): checks run against each platform's
 * built container before anything is pushed. Each check has exactly one kind:
 *
 *   run     a command: exit code and stdout/stderr/output regexes
 *   file    a path: exists, type, mode, owner
 *   image   the image config: user, entrypoint, workdir, env, labels
 *   signal  the entrypoint passes a signal through to the command it runs
 */
const regex = z.string().refine(
  (s) => {
    try {
      new RegExp(s, "m");
      return true;
    } catch {
      return false;
    }
  },
  { message: "must be a valid regular expression" },
);

const common = {
  name: z.string().min(1, "must not be empty"),
  /** Only on these platforms (default: all of the image's). */
  platforms: z
    .array(z.enum(["linux/amd64", "linux/arm64"]))
    .min(1)
    .optional(),
};

const userSpec = z.string().regex(/^\d+(:\d+)?$|^[a-z_][a-z0-9_-]*(:\w+)?$/, "must be uid[:gid] or a user name");

export const runCheckSchema = z
  .object({
    ...common,
    run: z.array(z.string()).min(1, "must be a non-empty argv list"),
    /** Run through the image's entrypoint (default) or bypass it. */
    entrypoint: z.boolean().default(true),
    user: userSpec.optional(),
    workdir: z.string().optional(),
    env: z.record(z.string(), z.string()).optional(),
    /** Run with the root filesystem read-only (writable: /tmp, HOME, /work stay tmpfs). */
    readOnlyRootfs: z.boolean().default(false),
    /** Files written into the container before the command runs (path → content). */
    files: z.record(z.string().startsWith("/", "paths must be absolute"), z.string()).optional(),
    exitCode: z.number().int().min(0).max(255).default(0),
    stdout: regex.optional(),
    stderr: regex.optional(),
    /** Matched against stdout and stderr together. */
    output: regex.optional(),
  })
  .strict();

export const fileCheckSchema = z
  .object({
    ...common,
    file: z.string().startsWith("/", "must be an absolute path"),
    type: z.enum(["file", "directory", "symlink"]).optional(),
    /** Octal permission bits, e.g. "0755". */
    mode: z
      .string()
      .regex(/^0?[0-7]{3,4}$/, "must be octal like 0755")
      .optional(),
    /** uid:gid, numeric. */
    owner: z
      .string()
      .regex(/^\d+:\d+$/, "must be numeric uid:gid")
      .optional(),
  })
  .strict();

export const imageCheckSchema = z
  .object({
    ...common,
    image: z
      .object({
        user: z.string().optional(),
        entrypoint: z.array(z.string()).optional(),
        workdir: z.string().optional(),
        /** Each variable must be set and match the regex. */
        env: z.record(z.string(), regex).optional(),
        /** Each label must be set and match the regex. */
        labels: z.record(z.string(), regex).optional(),
      })
      .strict(),
  })
  .strict();

export const signalCheckSchema = z
  .object({
    ...common,
    signal: z.enum(["TERM", "INT", "HUP", "QUIT", "USR1", "USR2"]),
    user: userSpec.optional(),
  })
  .strict();

export const smokeCheckSchema = z.union([runCheckSchema, fileCheckSchema, imageCheckSchema, signalCheckSchema]);

export const smokeSpecSchema = z
  .object({
    checks: z.array(smokeCheckSchema).min(1, "has no checks: a smoke spec that checks nothing would pass any image; add at least one check"),
  })
  .strict();

export type RunCheck = z.output<typeof runCheckSchema>;
export type FileCheck = z.output<typeof fileCheckSchema>;
export type ImageCheck = z.output<typeof imageCheckSchema>;
export type SignalCheck = z.output<typeof signalCheckSchema>;
export type SmokeCheck = z.output<typeof smokeCheckSchema>;
export type SmokeSpec = z.output<typeof smokeSpecSchema>;

const KINDS = ["run", "file", "image", "signal"] as const;

/** Parses smoke.yaml text; errors name the file, image and check. */
export function parseSmokeSpec(text: string, file: string, image: string): SmokeSpec {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ImageMetadataError([{ file, image, message: `is not valid YAML: ${doc.errors[0]!.message.split("\n")[0]}` }]);
  }
  const raw = (doc.toJS() ?? {}) as { checks?: unknown };
  // Check each entry against the schema of its own kind, so a typo in a run
  // check is reported as such rather than as "matches no union member".
  if (Array.isArray(raw.checks)) {
    raw.checks.forEach((check, i) => {
      const kinds = KINDS.filter((k) => check && typeof check === "object" && k in check);
      const label = `checks[${i}]${check && typeof check === "object" && "name" in check ? ` ("${String(check.name)}")` : ""}`;
      if (kinds.length !== 1) {
        throw new ImageMetadataError([
          { file, image, field: label, message: `must have exactly one of ${KINDS.join(", ")}${kinds.length ? ` (has ${kinds.join(", ")})` : ""}` },
        ]);
      }
      const schema = { run: runCheckSchema, file: fileCheckSchema, image: imageCheckSchema, signal: signalCheckSchema }[kinds[0]!];
      const r = schema.safeParse(check);
      if (!r.success) {
        throw new ImageMetadataError(
          r.error.issues.map((issue) => ({
            file,
            image,
            field: [label, ...issue.path.map(String)].join("."),
            message: issue.code === "unrecognized_keys" ? `has unknown field(s) ${issue.keys.join(", ")}` : issue.message,
          })),
        );
      }
    });
  }
  const parsed = smokeSpecSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ImageMetadataError(parsed.error.issues.map((issue) => ({ file, image, field: issue.path.join(".") || undefined, message: issue.message })));
  }
  return parsed.data;
}

export const checkKind = (c: SmokeCheck): (typeof KINDS)[number] => ("run" in c ? "run" : "file" in c ? "file" : "image" in c ? "image" : "signal");
