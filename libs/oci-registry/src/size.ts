/**
 * A platform's compressed size: the sum of the layer sizes its manifest
 * lists — what a pull of that platform downloads (config and manifest, a few
 * KB, left out).
 */
export function compressedSize(manifest: { layers?: { size: number }[] }): number {
  return (manifest.layers ?? []).reduce((sum, l) => sum + l.size, 0);
}
