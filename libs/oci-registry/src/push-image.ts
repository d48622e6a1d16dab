import { createReadStream, statSync } from "node:fs";
import type { BlobSource, RegistryClient } from "./client.ts";
import type { JsonBlob } from "./documents.ts";

/** An image assembled outside a builder (see documents.ts), ready to push. */
export interface ImageUpload {
  /** Layers and configs: bytes, or sources that stream (a layer file of any size). */
  blobs: ReadonlyArray<Uint8Array | BlobSource>;
  /** The platform manifests, pushed by digest. */
  manifests: readonly JsonBlob[];
  /** What the tags point at: an index over `manifests` (or a single manifest). */
  index: JsonBlob;
}

/** A file in a content-addressed store, read anew for each upload attempt; its digest is the store's key. */
export function fileBlob(file: string, digest: string): BlobSource {
  return { digest, size: statSync(file).size, open: () => createReadStream(file, { highWaterMark: 1 << 20 }) };
}

/**
 * Pushes blobs first (each skipped when the repository has it), then the
 * manifests by digest, then the index under each tag: the order in which a
 * registry can check every reference, so a tag never points at anything
 * missing. Returns the index digest.
 */
export async function pushImage(client: RegistryClient, repository: string, image: ImageUpload, tags: readonly string[]): Promise<string> {
  for (const blob of image.blobs) await client.pushBlob(repository, blob);
  for (const m of image.manifests) await client.putManifest(repository, m.descriptor.digest, { mediaType: m.descriptor.mediaType, bytes: m.bytes });
  for (const tag of tags) await client.putManifest(repository, tag, { mediaType: image.index.descriptor.mediaType, bytes: image.index.bytes });
  return image.index.descriptor.digest;
}
