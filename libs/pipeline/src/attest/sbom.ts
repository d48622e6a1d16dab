import { createHash } from "node:crypto";
import { expandTemplate, isDownloadTool, type Arch, type ToolsLock } from "@image-tooling/image-metadata";

/**
 * SBOMs are SPDX 2.3 JSON (https://spdx.github.io/spdx-spec/v2.3/): the format
 * `cosign attest --type spdxjson` wraps and `cosign verify-attestation --type
 * spdxjson` checks, and what syft writes with `-o spdx-json`.
 *
 * syft finds the Debian packages (dpkg status) and Go binaries' build info in
 * the pushed image. A tool fetched by URL is, to a scanner, only a file; the
 * lock knows what it is. So every tools.lock.json entry of the image and its
 * ancestors becomes an SPDX package with its version, download URL and sha256
 * for this platform's architecture, contained in the image. Pure.
 */

export interface LockSource {
  /** Repository path of the lock, e.g. packages/tooling-k8s/tools.lock.json. */
  file: string;
  lock: ToolsLock;
}

interface SpdxPackage {
  name: string;
  SPDXID: string;
  versionInfo?: string;
  downloadLocation: string;
  [key: string]: unknown;
}

interface SpdxRelationship {
  spdxElementId: string;
  relationshipType: string;
  relatedSpdxElement: string;
}

export interface SpdxDocument {
  spdxVersion: string;
  SPDXID: string;
  name: string;
  documentNamespace: string;
  packages?: SpdxPackage[];
  relationships?: SpdxRelationship[];
  documentDescribes?: string[];
  [key: string]: unknown;
}

/** SPDX ids allow letters, digits, "." and "-" only. */
const spdxId = (...parts: string[]): string => `SPDXRef-${parts.join("-").replace(/[^A-Za-z0-9.-]/g, "-")}`;

const noAssertion = { licenseConcluded: "NOASSERTION", licenseDeclared: "NOASSERTION", copyrightText: "NOASSERTION", supplier: "NOASSERTION" };

/** The package that stands for the image: what the document describes. */
export function describedRoot(doc: SpdxDocument): string {
  const described =
    doc.documentDescribes?.[0] ??
    doc.relationships?.find((r) => r.spdxElementId === "SPDXRef-DOCUMENT" && r.relationshipType === "DESCRIBES")?.relatedSpdxElement;
  if (!described) throw new Error(`SBOM ${doc.name} describes no package: expected syft's image root (documentDescribes or a DESCRIBES relationship)`);
  return described;
}

/** The SPDX packages a lock contributes on one architecture. */
export function lockPackages(source: LockSource, arch: Arch): SpdxPackage[] {
  const { lock, file } = source;
  const out: SpdxPackage[] = [];
  for (const [name, tool] of Object.entries(lock.tools)) {
    if (!isDownloadTool(tool)) continue; // Debian tools are in dpkg's database, pip tools in python.requirements below
    const url = expandTemplate(tool.url, tool, arch);
    const sha256 = tool.sha256[arch];
    out.push({
      name,
      SPDXID: spdxId("Package", "tools-lock", lock.image, name),
      versionInfo: tool.version,
      downloadLocation: url,
      filesAnalyzed: false,
      checksums: [{ algorithm: "SHA256", checksumValue: sha256 }],
      homepage: tool.homepage,
      description: tool.description,
      sourceInfo: `pinned in ${file}; downloaded for ${arch}, sha256-checked, installed at ${tool.install}`,
      ...noAssertion,
      externalRefs: [
        {
          referenceCategory: "PACKAGE-MANAGER",
          referenceType: "purl",
          referenceLocator: `pkg:generic/${encodeURIComponent(name)}@${encodeURIComponent(tool.version)}?download_url=${encodeURIComponent(url)}&checksum=sha256:${sha256}`,
        },
      ],
    });
  }
  for (const req of lock.python?.requirements ?? []) {
    const hashes = req.sha256[arch];
    out.push({
      name: req.name,
      SPDXID: spdxId("Package", "tools-lock", lock.image, "pypi", req.name),
      versionInfo: req.version,
      downloadLocation: lock.python!.index,
      filesAnalyzed: false,
      // pip may pick any of these wheels (--require-hashes); one is a single checksum.
      ...(hashes.length === 1 && { checksums: [{ algorithm: "SHA256", checksumValue: hashes[0] }] }),
      sourceInfo: `pinned in ${file} (python.requirements); pip --require-hashes accepts sha256 ${hashes.join(", ")} for ${arch}`,
      ...noAssertion,
      externalRefs: [
        {
          referenceCategory: "PACKAGE-MANAGER",
          referenceType: "purl",
          referenceLocator: `pkg:pypi/${encodeURIComponent(req.name.toLowerCase())}@${encodeURIComponent(req.version)}`,
        },
      ],
    });
  }
  return out;
}

/** syft's SBOM plus the locks' packages, each CONTAINED by the image root. */
export function enrichSbom(doc: SpdxDocument, locks: LockSource[], arch: Arch): SpdxDocument {
  if (doc.spdxVersion !== "SPDX-2.3") throw new Error(`SBOM ${doc.name} is ${doc.spdxVersion}, expected SPDX-2.3`);
  const root = describedRoot(doc);
  const added = locks.flatMap((l) => lockPackages(l, arch));
  const known = new Set((doc.packages ?? []).map((p) => p.SPDXID));
  const fresh = added.filter((p) => !known.has(p.SPDXID));
  return {
    ...doc,
    packages: [...(doc.packages ?? []), ...fresh],
    relationships: [...(doc.relationships ?? []), ...fresh.map((p) => ({ spdxElementId: root, relationshipType: "CONTAINS", relatedSpdxElement: p.SPDXID }))],
  };
}

/** "sha256:<hex>" of a file's bytes, as provenance names a lock. */
export const sha256Digest = (bytes: string | Uint8Array): string => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
