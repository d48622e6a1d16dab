import { parseDocument } from "yaml";
import { z } from "zod";
import { ImageMetadataError, type MetadataProblem } from "@image-tooling/image-metadata";
import { DEFAULT_RETRY_POLICY, registryEndpoint, repositoryName, type RetryPolicy } from "@image-tooling/oci-registry";
import { resolveVulnConfig, vulnFileSchema, type VulnConfig } from "./vuln-config.ts";

export const CONFIG_FILE = "image-tooling.yaml";

/** A repository path as the Distribution spec allows it: lower-case components joined by single separators. */
const NAMESPACE = /^[a-z0-9]+(?:[._/-][a-z0-9]+)*$/;

const fileSchema = z
  .object({
    registry: z
      .string()
      .min(1)
      .superRefine((value, ctx) => {
        try {
          registryEndpoint(value);
        } catch {
          ctx.addIssue({
            code: "custom",
            message: `is "${value}": expected a host with an optional port, such as docker.io, ghcr.io or 127.0.0.1:5000 (no scheme, no path)`,
          });
        }
      })
      .optional(),
    namespace: z
      .string()
      .superRefine((value, ctx) => {
        if (NAMESPACE.test(value)) return;
        // Quote what was given (and what it likely meant): "must be lower-case" alone leaves the reader to find the offending value.
        const lower = value.toLowerCase();
        const suggestion = NAMESPACE.test(lower) ? `, such as "${lower}"` : "";
        ctx.addIssue({
          code: "custom",
          message: `is "${value}": must be a lower-case repository path (letters a-z, digits, single . _ - or / between them${suggestion})`,
        });
      })
      .optional(),
    username: z.string().min(1).optional(),
    source: z.string().url("must be a URL").optional(),
    /** Speak plain HTTP to a registry that is not on loopback; the engine must be configured for it too. */
    plainHttp: z.boolean().optional(),
    /** Image used for the ephemeral registry that carries parents to their children in local runs. */
    ephemeralRegistryImage: z.string().min(1).optional(),
    /** Retries of a registry request that failed transiently (408, 429, 500, 502/503/504, dropped connection). */
    retries: z.coerce
      .number({ error: "must be a whole number" })
      .int("must be a whole number")
      .min(0, "must be 0 or more")
      .max(20, "must be at most 20")
      .optional(),
    /** The keyless certificate identity whose signatures count (default: this repository's release.yml on refs/heads/main). */
    signingIdentity: z
      .string()
      .url("must be a URL: a workflow file at a ref, e.g. https://github.com/acme/images/.github/workflows/release.yml@refs/heads/main")
      .optional(),
    /** The OIDC issuer of that identity (default: GitHub Actions'). */
    signingIssuer: z.string().url("must be a URL, e.g. https://token.actions.githubusercontent.com").optional(),
    /** Bound on one registry operation with its retries, in seconds. */
    retryMaxSeconds: z.coerce.number({ error: "must be a number of seconds" }).positive("must be more than 0").max(3600, "must be at most 3600").optional(),
    /** The vulnerability database and the default gate (config/vuln-config.ts). */
    vulnerabilities: vulnFileSchema.optional(),
  })
  .strict();

export type Channel = "release" | "branch";

/** Carries a parent to its children in local runs; Docker Hub's registry image, or the harness's mirror of it. */
export const DEFAULT_EPHEMERAL_REGISTRY_IMAGE = "docker.io/library/registry:2";

export interface PipelineConfig {
  registry: string;
  namespace: string;
  username?: string;
  /** Registry password or token. Never print it; the logger redacts it. */
  password?: string;
  /** Plain HTTP to a non-loopback registry (Docker's "insecure registry"). */
  plainHttp: boolean;
  source?: string;
  ephemeralRegistryImage: string;
  /** How registry requests and the engine's push are retried. */
  retry: RetryPolicy;
  channel: Channel;
  branch?: string;
  /** Whose keyless signatures count; unset parts take the defaults in attest/signing.ts. */
  signing: { identity?: string; issuer?: string };
  /** The vulnerability database, its maximum age and the default gate. */
  vulnerabilities: VulnConfig;
}

/** Docker Hub's many spellings, so DOCKERHUB_TOKEN applies however it is named. */
export const isDockerHub = (registry: string): boolean => /^(docker\.io|index\.docker\.io|registry-1\.docker\.io)$/.test(registry);

/** Each file key the environment can override, and its variable. */
const ENV_OVERRIDES = {
  registry: "IMAGE_REGISTRY",
  namespace: "IMAGE_NAMESPACE",
  username: "REGISTRY_USERNAME",
  source: "IMAGE_SOURCE_URL",
  ephemeralRegistryImage: "IMAGE_EPHEMERAL_REGISTRY_IMAGE",
  retries: "IMAGE_REGISTRY_RETRIES",
  retryMaxSeconds: "IMAGE_REGISTRY_RETRY_MAX_SECONDS",
  signingIdentity: "SIGNING_IDENTITY",
  signingIssuer: "SIGNING_ISSUER",
} as const satisfies Record<string, string>;

type Key = keyof typeof ENV_OVERRIDES;

function problems(issues: z.core.$ZodIssue[], from: (key: string) => string, hint: (key: string) => string | undefined): MetadataProblem[] {
  return issues.map((i) => {
    const key = String(i.path[0] ?? "");
    const h = hint(key);
    return {
      file: from(key),
      field: i.path.join(".") || undefined,
      message: i.code === "unrecognized_keys" ? `unknown field(s) ${i.keys.join(", ")}` : i.message,
      ...(h && { hint: h }),
    };
  });
}

/** image-tooling.yaml's text as YAML, validated by `schema`; one error naming the file and each field otherwise. */
function parseConfigFile<S extends z.ZodType>(fileText: string, schema: S): z.output<S> {
  const doc = parseDocument(fileText);
  if (doc.errors.length) throw new ImageMetadataError([{ file: CONFIG_FILE, message: `is not valid YAML: ${doc.errors[0]!.message.split("\n")[0]}` }]);
  const parsed = schema.safeParse(doc.toJS() ?? {});
  if (!parsed.success)
    throw new ImageMetadataError(
      problems(
        parsed.error.issues,
        () => CONFIG_FILE,
        () => undefined,
      ),
    );
  return parsed.data;
}

/**
 * The root config file, overridden by the environment. Pure: the caller reads
 * the file (null when absent) and passes the environment.
 */
export function resolveConfig(
  fileText: string | null,
  env: Record<string, string | undefined>,
  flags: { channel?: string; branch?: string } = {},
): PipelineConfig {
  const file: z.output<typeof fileSchema> = fileText === null ? {} : parseConfigFile(fileText, fileSchema);
  // The environment's values pass the same schema as the file's, and an error names the variable.
  const fromEnv = Object.fromEntries((Object.entries(ENV_OVERRIDES) as [Key, string][]).filter(([, v]) => env[v]).map(([k, v]) => [k, env[v]]));
  const merged = fileSchema.safeParse({ ...file, ...fromEnv });
  if (!merged.success) {
    const byEnv = (key: string) => key in fromEnv;
    throw new ImageMetadataError(
      problems(
        merged.error.issues,
        (key) => (byEnv(key) ? `environment variable ${ENV_OVERRIDES[key as Key]}` : CONFIG_FILE),
        (key) => (byEnv(key) ? `fix or unset ${ENV_OVERRIDES[key as Key]} (it overrides ${CONFIG_FILE})` : undefined),
      ).map((p) => (p.file.startsWith("environment") ? { ...p, field: undefined } : p)),
    );
  }
  const cfg = merged.data;
  const registry = cfg.registry;
  const namespace = cfg.namespace;
  const missing = [!registry && "registry (env IMAGE_REGISTRY)", !namespace && "namespace (env IMAGE_NAMESPACE)"].filter(Boolean);
  if (missing.length) {
    throw new ImageMetadataError([
      { file: CONFIG_FILE, field: missing.join(", "), message: "is not set", hint: `set it in ${CONFIG_FILE} or the environment` },
    ]);
  }
  const channel = (flags.channel ?? env.IMAGE_CHANNEL ?? "release") as Channel;
  if (channel !== "release" && channel !== "branch") {
    throw new ImageMetadataError([{ file: "--channel / IMAGE_CHANNEL", message: `is "${channel}"; use release or branch` }]);
  }
  const plainHttp = env.IMAGE_REGISTRY_PLAIN_HTTP ? parseFlag(env.IMAGE_REGISTRY_PLAIN_HTTP, "IMAGE_REGISTRY_PLAIN_HTTP") : (file.plainHttp ?? false);
  const password = env.REGISTRY_PASSWORD || (isDockerHub(registry!) ? env.DOCKERHUB_TOKEN : undefined) || undefined;
  return {
    registry: registry!,
    namespace: namespace!,
    username: cfg.username,
    password,
    plainHttp,
    source: cfg.source,
    ephemeralRegistryImage: cfg.ephemeralRegistryImage || DEFAULT_EPHEMERAL_REGISTRY_IMAGE,
    retry: {
      ...DEFAULT_RETRY_POLICY,
      ...(cfg.retries !== undefined && { retries: cfg.retries }),
      ...(cfg.retryMaxSeconds !== undefined && { maxTotalMs: cfg.retryMaxSeconds * 1000 }),
    },
    channel,
    branch: flags.branch ?? (env.GITHUB_HEAD_REF || env.GITHUB_REF_NAME || undefined),
    signing: { identity: cfg.signingIdentity, issuer: cfg.signingIssuer },
    vulnerabilities: resolveVulnConfig(cfg.vulnerabilities, env, CONFIG_FILE),
  };
}

function parseFlag(value: string, name: string): boolean {
  if (/^(1|true|yes)$/i.test(value)) return true;
  if (/^(0|false|no)$/i.test(value)) return false;
  throw new ImageMetadataError([{ file: `environment ${name}`, message: `is "${value}"; use true or false` }]);
}

/** `<registry>/<namespace>/<image>` as Dagger and docker pull spell it. */
export const repositoryRef = (config: Pick<PipelineConfig, "registry" | "namespace">, image: string): string =>
  `${config.registry}/${repositoryName(config.namespace, image)}`;

/**
 * Only the `vulnerabilities` section: what build and smoke need when no
 * publish target is configured. Validated exactly like resolveConfig's.
 */
export function resolveVulnOnly(fileText: string | null, env: Record<string, string | undefined>): VulnConfig {
  if (fileText === null) return resolveVulnConfig(undefined, env, CONFIG_FILE);
  const { vulnerabilities } = parseConfigFile(fileText, z.object({ vulnerabilities: vulnFileSchema.optional() }).loose());
  return resolveVulnConfig(vulnerabilities, env, CONFIG_FILE);
}
