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

// At the start of the text, of a line (the "m" flag is irrelevant: a newline is whitespace) or after whitespace.
const TOKEN_START = "(?<!\\S)";
// Not followed by more version: a word character, or one after a '.', '-' or '~'.
const VERSION_END = "(?![.~-]?\\w)";

/**
 * The regex a version command's output must match for this pin: the pattern
 * as a whole token. It starts at the start of a line or after whitespace, so
 * "v{version}" does not match inside "helm-v4.3.0" and "{version}" not inside
 * "11.2.3" or "a1.2.3" (a pattern that starts with {version} still accepts a
 * "v" before it: v1.2.3). The version cannot run on: 1.37.1 matches neither
 * 1.37.10, 1.37.1-rc.1, 1.37.1.2 nor 1.37.1_x, while build metadata after a
 * "+" (argocd's v3.5.2+abc123) and punctuation (Docker's "29.8.2, build")
 * still match.
 */
export function versionRegex(pattern: string, version: string): string {
  const exact = `${escapeRegex(version)}${VERSION_END}`;
  const body = pattern.replaceAll("{version}", exact);
  // Grouped, so an alternation in the pattern is anchored as a whole.
  return `${TOKEN_START}(?:${pattern.startsWith("{version}") ? "v?" : ""}${body})`;
}

/** The text as a regex matching exactly it. */
export const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
