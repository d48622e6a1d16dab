import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CONFIG_FILE, resolveConfig, resolveVulnOnly, type PipelineConfig } from "./config.ts";
import type { VulnConfig } from "./vuln-config.ts";

/** Whether a publish target is configured at all (file or environment); build and smoke run without one. */
export function hasConfig(root: string, env: Record<string, string | undefined>): boolean {
  return existsSync(join(root, CONFIG_FILE)) || Boolean(env.IMAGE_REGISTRY || env.IMAGE_NAMESPACE);
}

export function loadConfig(root: string, env: Record<string, string | undefined>, flags: { channel?: string; branch?: string } = {}): PipelineConfig {
  const file = join(root, CONFIG_FILE);
  return resolveConfig(existsSync(file) ? readFileSync(file, "utf8") : null, env, flags);
}

/** The vulnerability settings alone (build and smoke without a publish target). */
export function loadVulnConfig(root: string, env: Record<string, string | undefined>): VulnConfig {
  const file = join(root, CONFIG_FILE);
  return resolveVulnOnly(existsSync(file) ? readFileSync(file, "utf8") : null, env);
}
