import { type Arch, type DownloadTool, TEMPLATE_PLACEHOLDERS } from "./schema.ts";

/**
 * Expands {version} and {arch} the way fetch-tools does in the image build,
 * so what the README shows and the lint checks is what the build downloads.
 */
export function expandTemplate(template: string, tool: Pick<DownloadTool, "version" | "archNames">, arch: Arch | null): string {
  const archName = arch === null ? "{arch}" : (tool.archNames?.[arch] ?? arch);
  return template.replaceAll("{version}", tool.version).replaceAll("{arch}", archName);
}

/** Placeholders other than {version} and {arch}: fetch-tools would leave them in the URL. */
export function unknownPlaceholders(template: string): string[] {
  return [...template.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]!).filter((p) => !(TEMPLATE_PLACEHOLDERS as readonly string[]).includes(p));
}

/**
 * The regex a version command's output must match for this pin. The version
 * cannot run on: 1.37.1 matches neither 1.37.10 nor 1.37.1-rc.1, while build
 * metadata after a "+" (argocd's v3.5.2+abc123) still matches. Text before
 * {version} in the pattern anchors its start; a pattern that starts with
 * {version} gets a look-behind instead, so 11.37.1 does not match 1.37.1 (a "v" before it still does).
 */
export function versionRegex(pattern: string, version: string): string {
  const exact = `${escapeRegex(version)}(?![.-]?[0-9A-Za-z])`;
  const body = pattern.replaceAll("{version}", exact);
  return pattern.startsWith("{version}") ? `(?<![0-9.])${body}` : body;
}

/** The text as a regex matching exactly it. */
export const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
