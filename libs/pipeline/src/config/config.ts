import { parseDocument } from "yaml";
import { z } from "zod";
import { ImageMetadataError } from "@image-tooling/image-metadata";

export const CONFIG_FILE = "image-tooling.yaml";

const fileSchema = z
  .object({
    registry: z.string().min(1).optional(),
    namespace: z.string().regex(/^[a-z0-9]+(?:[._/-][a-z0-9]+)*$/, "must be a lower-case repository path").optional(),
    username: z.string().min(1).optional(),
    source: z.string().url("must be a URL").optional(),
    /** Speak plain HTTP to a registry that is not on loopback; the engine must be configured for it too. */
    plainHttp: z.boolean().optional(),
    /** Image used for the ephemeral registry that carries parents to their children in local runs. */
    ephemeralRegistryImage: z.string().min(1).optional(),
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
  channel: Channel;
  branch?: string;
}

/** Docker Hub's many spellings, so DOCKERHUB_TOKEN applies however it is named. */
export const isDockerHub = (registry: string): boolean => /^(docker\.io|index\.docker\.io|registry-1\.docker\.io)$/.test(registry);

/**
 * The root config file, overridden by the environment. Pure: the caller reads
 * the file (null when absent) and passes the environment.
 */
export function resolveConfig(fileText: string | null, env: Record<string, string | undefined>, flags: { channel?: string; branch?: string } = {}): PipelineConfig {
  let file: z.output<typeof fileSchema> = {};
  if (fileText !== null) {
    const doc = parseDocument(fileText);
    if (doc.errors.length) throw new ImageMetadataError([{ file: CONFIG_FILE, message: `is not valid YAML: ${doc.errors[0]!.message.split("\n")[0]}` }]);
    const parsed = fileSchema.safeParse(doc.toJS() ?? {});
    if (!parsed.success) {
      throw new ImageMetadataError(parsed.error.issues.map((i) => ({ file: CONFIG_FILE, field: i.path.join(".") || undefined, message: i.code === "unrecognized_keys" ? `unknown field(s) ${i.keys.join(", ")}` : i.message })));
    }
    file = parsed.data;
  }
  const registry = env.IMAGE_REGISTRY || file.registry;
  const namespace = env.IMAGE_NAMESPACE || file.namespace;
  const missing = [!registry && "registry (env IMAGE_REGISTRY)", !namespace && "namespace (env IMAGE_NAMESPACE)"].filter(Boolean);
  if (missing.length) {
    throw new ImageMetadataError([{ file: CONFIG_FILE, field: missing.join(", "), message: "is not set", hint: `set it in ${CONFIG_FILE} or the environment` }]);
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
    username: env.REGISTRY_USERNAME || file.username,
    password,
    plainHttp,
    source: env.IMAGE_SOURCE_URL || file.source,
    ephemeralRegistryImage: env.IMAGE_EPHEMERAL_REGISTRY_IMAGE || file.ephemeralRegistryImage || DEFAULT_EPHEMERAL_REGISTRY_IMAGE,
    channel,
    branch: flags.branch ?? (env.GITHUB_HEAD_REF || env.GITHUB_REF_NAME || undefined),
  };
}

function parseFlag(value: string, name: string): boolean {
  if (/^(1|true|yes)$/i.test(value)) return true;
  if (/^(0|false|no)$/i.test(value)) return false;
  throw new ImageMetadataError([{ file: `environment ${name}`, message: `is "${value}"; use true or false` }]);
}

/** `<registry>/<namespace>/<image>` as Dagger and docker pull spell it. */
export const repositoryRef = (config: Pick<PipelineConfig, "registry" | "namespace">, image: string): string => `${config.registry}/${config.namespace}/${image}`;
