import type { SpdxDocument } from "../attest/sbom.ts";
import type { DebianPackage, ToolPin } from "./compare.ts";

/**
 * What "what changed" reads from an image's SBOM (attest/sbom.ts writes it:
 * syft's packages plus every tools.lock.json entry). Pure.
 */

type Package = NonNullable<SpdxDocument["packages"]>[number] & {
  externalRefs?: { referenceType?: string; referenceLocator?: string }[];
  sourceInfo?: string;
};

const purlOf = (p: Package): string | undefined => p.externalRefs?.find((r) => r.referenceType === "purl")?.referenceLocator;

/** The Debian packages syft found in dpkg's database (purl `pkg:deb/…`), by name. */
export function debianPackages(doc: SpdxDocument): DebianPackage[] {
  const out = new Map<string, string>();
  for (const p of (doc.packages ?? []) as Package[]) {
    if (!purlOf(p)?.startsWith("pkg:deb/") || !p.versionInfo) continue;
    out.set(p.name, p.versionInfo);
  }
  return [...out].map(([name, version]) => ({ name, version })).sort((a, b) => a.name.localeCompare(b.name));
}

/** The packages our SBOM adds for the tools locks (sourceInfo "pinned in <lock file>…"): the tools and their versions. */
export function lockedTools(doc: SpdxDocument): ToolPin[] {
  const out: ToolPin[] = [];
  for (const p of (doc.packages ?? []) as Package[]) {
    const lock = /^pinned in ([^\s;]+)/.exec(p.sourceInfo ?? "")?.[1];
    if (!lock || !p.SPDXID.startsWith("SPDXRef-Package-tools-lock-") || !p.versionInfo) continue;
    out.push({ name: p.name, version: p.versionInfo, lock });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}
