import { ARCHES, expandTemplate, type Arch, type DownloadTool } from "@image-tooling/image-metadata";
import { fileNameOf, fromSha256sumList, fromSingleHash, fromYqChecksums } from "./checksums.ts";
import type { Http } from "@image-tooling/pipeline/http";

/** What changes in a lock entry when a tool moves to a new version. */
export interface VerifiedVersion {
  version: string;
  sha256: Record<Arch, string>;
  /** Public URLs a reader can follow: the checksum files (or the downloads hashed), the release notes. */
  sources: string[];
  /** Set when upstream publishes no checksums and the hashes were computed from the downloads. */
  computedOn?: string;
}

/** What verification reads of a lock entry: an image's download tool or a pipeline helper. */
export type UpdatableTool = Pick<DownloadTool, "version" | "url" | "archNames" | "update" | "signature">;

export class VerifyError extends Error {
  override name = "VerifyError";
}

/**
 * Downloads the new version for every architecture of the lock and hashes
 * it; where upstream publishes checksums, each must agree with its download.
 * Throws on the first arch that does not verify, so nothing half-verified
 * reaches the lock.
 */
export async function verifyVersion(http: Http, tool: UpdatableTool, version: string, notesUrl: string | null, today: string): Promise<VerifiedVersion> {
  const next = { ...tool, version };
  const checksums = tool.update.checksums;
  const texts = new Map<string, Promise<string>>();
  const text = (url: string): Promise<string> => {
    if (!texts.has(url))
      texts.set(
        url,
        http.text(url).then((r) => r.body),
      );
    return texts.get(url)!;
  };
  const checksumFiles = new Set<string>();

  const published = async (arch: Arch, url: string): Promise<string | null> => {
    if (checksums.format === "computed") return null;
    const file = fileNameOf(url);
    const listUrl = expandTemplate(checksums.url, next, arch);
    checksumFiles.add(listUrl);
    let hash: string | null;
    if (checksums.format === "sha256sum") hash = fromSha256sumList(await text(listUrl), file);
    else if (checksums.format === "sha256") hash = fromSingleHash(await text(listUrl));
    else {
      const orderUrl = expandTemplate(checksums.order, next, arch);
      checksumFiles.add(orderUrl);
      hash = fromYqChecksums(await text(listUrl), await text(orderUrl), file);
    }
    if (hash === null) {
      throw new VerifyError(
        checksums.format === "sha256"
          ? `${listUrl} holds no sha256 (${arch})`
          : `${listUrl} lacks ${arch}: no sha256 entry for ${file}${checksums.format === "yq" ? " (or no SHA-256 column)" : ""}`,
      );
    }
    return hash;
  };

  const sha256 = {} as Record<Arch, string>;
  const downloads: string[] = [];
  for (const arch of ARCHES) {
    const url = expandTemplate(tool.url, next, arch);
    downloads.push(url);
    const want = await published(arch, url);
    const got = (await http.sha256(url)).sha256;
    if (want !== null && want !== got) throw new VerifyError(`${arch}: ${url} has sha256 ${got}, but upstream's checksums say ${want}; not updating`);
    sha256[arch] = got;
  }
  if (sha256.amd64 === sha256.arm64) throw new VerifyError(`amd64 and arm64 downloads are the same file (${sha256.amd64}); check the url template's {arch}`);

  const signatures = tool.signature ? ARCHES.map((arch) => expandTemplate(tool.signature!.url, next, arch)) : [];
  const evidence = checksums.format === "computed" ? downloads : [...checksumFiles];
  const sources = [...new Set([...evidence, ...signatures, ...(notesUrl ? [notesUrl] : [])])];
  return { version, sha256, sources, ...(checksums.format === "computed" ? { computedOn: today } : {}) };
}
