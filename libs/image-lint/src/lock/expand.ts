import type { Arch, DownloadTool } from "./schema.ts";

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
  return [...template.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]!).filter((p) => p !== "version" && p !== "arch");
}

/** The regex a version command's output must match for this pin. */
export function versionRegex(pattern: string, version: string): string {
  return pattern.replaceAll("{version}", version.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
}
