import type { VerifiedVersion } from "./verify-tool.ts";

/**
 * Rewrites a lock's text with verified new versions (pure). Only version,
 * sha256, sources and, for computed checksums, the date change; everything
 * else, key order included, stays as it was. The lock is written the way
 * JSON.stringify(…, null, 2) writes it, which is how the locks are kept.
 */
export function applyVersions(text: string, versions: Record<string, VerifiedVersion>): string {
  const raw = JSON.parse(text) as { tools: Record<string, Record<string, unknown>> };
  for (const [name, v] of Object.entries(versions)) {
    const tool = raw.tools[name];
    if (!tool) throw new Error(`the lock has no tool ${name}`);
    tool.version = v.version;
    tool.sha256 = { ...(tool.sha256 as object), ...v.sha256 };
    tool.sources = v.sources;
    if (v.computedOn) {
      const update = tool.update as { checksums: Record<string, unknown> };
      update.checksums = { ...update.checksums, computedOn: v.computedOn };
    }
  }
  return `${JSON.stringify(raw, null, 2)}\n`;
}

/** image.yaml with base.digest replaced, comments and layout kept (pure). */
export function applyBaseDigest(text: string, from: string, to: string): string {
  const re = new RegExp(`^(\\s*digest:\\s*["']?)${from.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(["']?\\s*(?:#.*)?)$`, "m");
  if (!re.test(text)) throw new Error(`base.digest ${from} not found as a "digest:" line`);
  return text.replace(re, `$1${to}$2`);
}
