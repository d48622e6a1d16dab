import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isDockerHub } from "../config/config.ts";

/** Registry access for syft and cosign, which read Docker's config file. */
export interface RegistryAccess {
  registry: string;
  username?: string;
  password?: string;
  /** Speak plain HTTP to a registry that is not on loopback (a harness or in-cluster registry). */
  plainHttp?: boolean;
}

/**
 * The environment syft and cosign run in: credentials in a private
 * DOCKER_CONFIG (never on the command line, where `ps` shows them), no update
 * checks or telemetry (our machines reach only the registries).
 */
export function toolEnvironment(access: RegistryAccess, dir: string, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const auths: Record<string, { auth: string }> = {};
  if (access.username && access.password) {
    const key = isDockerHub(access.registry) ? "https://index.docker.io/v1/" : access.registry;
    auths[key] = { auth: Buffer.from(`${access.username}:${access.password}`).toString("base64") };
  }
  writeFileSync(join(dir, "config.json"), JSON.stringify({ auths }), { mode: 0o600 });
  return {
    ...base,
    DOCKER_CONFIG: dir,
    SYFT_CHECK_FOR_APP_UPDATE: "false",
    ...(access.plainHttp && { SYFT_REGISTRY_INSECURE_USE_HTTP: "true" }),
  };
}

/** Runs fn with a private DOCKER_CONFIG that is removed afterwards, whatever happens. */
export async function withToolEnvironment<T>(
  access: RegistryAccess,
  fn: (env: NodeJS.ProcessEnv) => Promise<T>,
  /** The run's environment (RunContext.env), which the tools inherit. */
  base: NodeJS.ProcessEnv,
): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "image-tooling-attest-"));
  try {
    return await fn(toolEnvironment(access, dir, base));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
