/** Image sizes as reports print them; measured by compressedSize (@image-tooling/oci-registry). */

const UNITS = ["B", "kB", "MB", "GB", "TB"];

/** Bytes in SI units (as registries and `docker images` print them), e.g. `31.2 MB`. */
export function formatBytes(bytes: number): string {
  let n = bytes;
  let u = 0;
  while (n >= 1000 && u < UNITS.length - 1) {
    n /= 1000;
    u++;
  }
  return u === 0 ? `${n} B` : `${n.toFixed(1)} ${UNITS[u]}`;
}

/** `linux/amd64 31.2 MB, linux/arm64 30.1 MB`, platforms in name order; empty for none. */
export function formatSizes(sizes: Record<string, number> | undefined): string {
  return Object.entries(sizes ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([platform, bytes]) => `${platform} ${formatBytes(bytes)}`)
    .join(", ");
}
