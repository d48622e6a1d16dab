import type { UpdateSource } from "./schema.ts";

/**
 * Where the release notes of one version of a tool are: the lock's
 * `update.notes` template, or for a tool whose versions come from GitHub, that
 * release's page. The updater's pull requests and the images' "what changed"
 * link the same page. Pure.
 */
export function releaseNotesUrl(update: UpdateSource | undefined, version: string): string | null {
  if (!update) return null;
  if (update.notes) return update.notes.replaceAll("{version}", version);
  const v = update.versions;
  return "github" in v ? `https://github.com/${v.github}/releases/tag/${encodeURIComponent(v.tag.replaceAll("{version}", version))}` : null;
}
