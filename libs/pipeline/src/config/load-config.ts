import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CONFIG_FILE, resolveConfig, type PipelineConfig } from "./config.ts";

export function loadConfig(root: string, env: Record<string, string | undefined> = process.env, flags: { channel?: string; branch?: string } = {}): PipelineConfig {
  const file = join(root, CONFIG_FILE);
  return resolveConfig(existsSync(file) ? readFileSync(file, "utf8") : null, env, flags);
}
