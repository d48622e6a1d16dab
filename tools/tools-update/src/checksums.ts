/**
 * Reading upstream checksum files (pure). Each parser returns the sha256 for
 * a download's file name, or null when the file has no entry for it: the
 * caller turns that into "the checksum file lacks <arch>".
 */
const SHA256 = /^[a-f0-9]{64}$/;

/** `<sha256>  <file>` lines, as sha256sum writes them (also `<sha256> *<file>` and `./<file>`). */
export function fromSha256sumList(text: string, fileName: string): string | null {
  for (const line of text.split(/\r?\n/)) {
    const m = /^([A-Fa-f0-9]{64})\s+\*?(?:\.\/)?(\S.*?)\s*$/.exec(line);
    if (m && (m[2] === fileName || m[2]!.split("/").pop() === fileName)) return m[1]!.toLowerCase();
  }
  return null;
}

/** A file holding one sha256 (kubectl.sha256), optionally followed by a file name. */
export function fromSingleHash(text: string): string | null {
  const first = text.trim().split(/\s+/)[0]?.toLowerCase() ?? "";
  return SHA256.test(first) ? first : null;
}

/**
 * yq's multi-hash `checksums`: per line a file name then one hash per
 * algorithm, in the order `checksums_hashes_order` lists them (one name a
 * line; the sha256 column is the line "SHA-256").
 */
export function fromYqChecksums(text: string, order: string, fileName: string): string | null {
  const algorithms = order
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  const column = algorithms.findIndex((a) => a.toUpperCase() === "SHA-256");
  if (column < 0) return null;
  for (const line of text.split(/\r?\n/)) {
    const [name, ...hashes] = line.trim().split(/\s+/);
    if (name === fileName) {
      const h = hashes[column]?.toLowerCase();
      return h && SHA256.test(h) ? h : null;
    }
  }
  return null;
}

/** The file name a checksum list names a download by: the URL's last path segment, decoded. */
export function fileNameOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.split("/").pop() ?? "");
}
