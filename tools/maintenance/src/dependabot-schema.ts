import { z } from "zod";

/**
 * The format of .github/dependabot.yml (version 2), checked offline: the
 * rules of SchemaStore's schema (https://json.schemastore.org/dependabot-2.0.json)
 * written as a zod schema, plus the multi-ecosystem groups GitHub documents
 * (https://docs.github.com/en/code-security/dependabot/working-with-dependabot/dependabot-options-reference)
 * that the schema does not know yet. Strict like the schema: an unknown or
 * misspelt key is an error here, as Dependabot would refuse the file.
 */

const ECOSYSTEMS = [
  "bun",
  "bundler",
  "cargo",
  "composer",
  "devcontainers",
  "docker",
  "docker-compose",
  "dotnet-sdk",
  "elm",
  "gitsubmodule",
  "github-actions",
  "gomod",
  "gradle",
  "helm",
  "maven",
  "mix",
  "npm",
  "nuget",
  "pip",
  "pub",
  "swift",
  "terraform",
  "uv",
] as const;
const DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] as const;
const INTERVALS = ["daily", "weekly", "monthly", "quarterly", "semiannually", "yearly", "cron"] as const;

const nonEmpty = z.string().min(1, "must not be empty");
const uniqueList = <T extends z.ZodTypeAny>(item: T) =>
  z
    .array(item)
    .min(1, "must list at least one entry")
    .refine((xs) => new Set(xs).size === xs.length, { message: "must not repeat an entry" });

/** An IANA time zone, as the schema's list has them; the runtime's tz database decides. */
const timezone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat("en", { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { message: "must be an IANA time zone, e.g. Etc/UTC or Europe/Berlin" },
);

const schedule = z
  .object({
    interval: z.enum(INTERVALS),
    day: z.enum(DAYS).optional(),
    time: z
      .string()
      .regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, "must be hh:mm (24 h)")
      .optional(),
    timezone: timezone.optional(),
    cronjob: z.string().optional(),
  })
  .strict()
  .refine((s) => s.interval !== "cron" || s.cronjob !== undefined, { message: "interval cron needs a cronjob", path: ["cronjob"] });

const commitMessage = z
  .object({
    prefix: z.string().max(50).optional(),
    "prefix-development": z.string().max(50).optional(),
    include: z.literal("scope").optional(),
  })
  .strict()
  .refine((c) => Object.keys(c).length > 0, { message: "needs prefix, prefix-development or include" });

const group = z
  .object({
    "applies-to": z.enum(["version-updates", "security-updates"]).optional(),
    "dependency-type": z.enum(["development", "production"]).optional(),
    patterns: uniqueList(nonEmpty).optional(),
    "exclude-patterns": uniqueList(nonEmpty).optional(),
    "update-types": uniqueList(z.enum(["major", "minor", "patch"])).optional(),
  })
  .strict()
  .refine((g) => g["dependency-type"] || g.patterns || g["exclude-patterns"] || g["update-types"], {
    message: "needs dependency-type, patterns, exclude-patterns or update-types",
  });

const ignore = z
  .object({
    "dependency-name": z.string().optional(),
    "update-types": uniqueList(z.enum(["version-update:semver-major", "version-update:semver-minor", "version-update:semver-patch"])).optional(),
    versions: uniqueList(z.string()).optional(),
  })
  .strict()
  .refine((i) => i["dependency-name"] !== undefined || i["update-types"] || i.versions, { message: "needs dependency-name, update-types or versions" });

const allow = z
  .object({
    "dependency-name": z.string().optional(),
    "dependency-type": z.enum(["direct", "indirect", "all", "production", "development"]).optional(),
  })
  .strict()
  .refine((a) => a["dependency-name"] !== undefined || a["dependency-type"] !== undefined, { message: "needs dependency-name or dependency-type" });

const labels = z.array(nonEmpty).refine((xs) => new Set(xs).size === xs.length, { message: "must not repeat a label" });

const update = z
  .object({
    "package-ecosystem": z.enum(ECOSYSTEMS),
    directory: z.string().optional(),
    directories: uniqueList(nonEmpty).optional(),
    schedule: schedule.optional(),
    allow: z.array(allow).optional(),
    assignees: uniqueList(nonEmpty).optional(),
    "commit-message": commitMessage.optional(),
    cooldown: z
      .object({
        "default-days": z.number().int().min(0).optional(),
        "semver-major-days": z.number().int().min(0).optional(),
        "semver-minor-days": z.number().int().min(0).optional(),
        "semver-patch-days": z.number().int().min(0).optional(),
        include: z.array(z.string()).max(150).optional(),
        exclude: z.array(z.string()).max(150).optional(),
      })
      .strict()
      .optional(),
    "exclude-paths": z.array(nonEmpty).optional(),
    groups: z
      .record(z.string(), group)
      .refine((g) => Object.keys(g).length > 0, { message: "must define at least one group" })
      .optional(),
    ignore: z.array(ignore).optional(),
    "insecure-external-code-execution": z.enum(["allow", "deny"]).optional(),
    labels: labels.optional(),
    milestone: z.number().int().min(1).optional(),
    "multi-ecosystem-group": nonEmpty.optional(),
    "open-pull-requests-limit": z.number().int().min(0).optional(),
    patterns: uniqueList(nonEmpty).optional(),
    "pull-request-branch-name": z
      .object({ separator: z.enum(["-", "_", "/"]) })
      .strict()
      .optional(),
    "rebase-strategy": z.enum(["auto", "disabled"]).optional(),
    registries: z.union([uniqueList(nonEmpty), z.literal("*")]).optional(),
    "target-branch": nonEmpty.optional(),
    vendor: z.boolean().optional(),
    "versioning-strategy": z.enum(["auto", "increase", "increase-if-necessary", "lockfile-only", "widen"]).optional(),
  })
  .strict()
  .superRefine((u, ctx) => {
    if ((u.directory === undefined) === (u.directories === undefined))
      ctx.addIssue({ code: "custom", path: ["directory"], message: "set exactly one of directory and directories" });
    // An entry in a multi-ecosystem group takes the group's schedule and names its dependencies by pattern.
    if (u["multi-ecosystem-group"] === undefined && u.schedule === undefined)
      ctx.addIssue({ code: "custom", path: ["schedule"], message: "is required (or join a multi-ecosystem-group, whose schedule applies)" });
    if (u["multi-ecosystem-group"] !== undefined && u.patterns === undefined)
      ctx.addIssue({ code: "custom", path: ["patterns"], message: 'is required in a multi-ecosystem-group entry (["*"] for every dependency)' });
  });

const multiEcosystemGroup = z
  .object({
    schedule,
    labels: labels.optional(),
    assignees: uniqueList(nonEmpty).optional(),
    milestone: z.number().int().min(1).optional(),
    "target-branch": nonEmpty.optional(),
    "commit-message": commitMessage.optional(),
    "pull-request-branch-name": z
      .object({ separator: z.enum(["-", "_", "/"]) })
      .strict()
      .optional(),
  })
  .strict();

const registry = z
  .object({
    type: z.enum([
      "cargo-registry",
      "composer-repository",
      "docker-registry",
      "git",
      "hex-organization",
      "hex-repository",
      "maven-repository",
      "npm-registry",
      "nuget-feed",
      "pub-repository",
      "python-index",
      "rubygems-server",
      "terraform-registry",
    ]),
    url: z.string(),
    username: z.string().optional(),
    password: z.string().optional(),
    key: z.string().optional(),
    token: z.string().optional(),
    "replaces-base": z.boolean().optional(),
    organization: z.string().optional(),
    repo: z.string().optional(),
    "auth-key": z.string().optional(),
    "public-key-fingerprint": z.string().optional(),
  })
  .strict();

export const dependabotConfigSchema = z
  .object({
    version: z.literal(2, { error: "must be 2" }),
    "enable-beta-ecosystems": z.boolean().optional(),
    registries: z.record(z.string(), registry).optional(),
    "multi-ecosystem-groups": z.record(z.string(), multiEcosystemGroup).optional(),
    updates: z.array(update),
  })
  .strict()
  .superRefine((c, ctx) => {
    const groups = Object.keys(c["multi-ecosystem-groups"] ?? {});
    c.updates.forEach((u, i) => {
      const name = u["multi-ecosystem-group"];
      if (name !== undefined && !groups.includes(name))
        ctx.addIssue({
          code: "custom",
          path: ["updates", i, "multi-ecosystem-group"],
          message: `names "${name}", which multi-ecosystem-groups does not define`,
        });
    });
  });

export type DependabotConfig = z.output<typeof dependabotConfigSchema>;
export type DependabotUpdate = DependabotConfig["updates"][number];
