import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import type { RegistryClient } from "../../../libs/pipeline/src/registry/client.ts";
import { MediaType, parsePlatform, type Descriptor } from "../../../libs/pipeline/src/registry/media.ts";

/**
 * Builds and pushes tiny but valid multi-platform images without Docker:
 * per platform one gzip layer (a tar with one file), an OCI config carrying
 * labels, an OCI manifest; then an OCI index over them.
 */
export interface SeededImage {
  /** The index: what the tag points at. */
  digest: string;
  mediaType: string;
  bytes: Buffer;
  /** Per platform (`linux/arm64`): the manifest digest and the config it carries. */
  platforms: Record<string, { digest: string; config: Record<string, unknown> }>;
}

export interface SeedOptions {
  platforms?: string[];
  /** Labels of every platform's config; `platform` is added so tests can tell them apart. */
  labels?: Record<string, string>;
  /** Also add a BuildKit-style attestation entry (`unknown/unknown`) to the index. */
  attestation?: boolean;
}

/** One-file ustar archive; deterministic (mtime 0) so equal inputs give equal digests. */
export function tarFile(name: string, content: string): Buffer {
  const data = Buffer.from(content);
  const header = Buffer.alloc(512);
  const field = (offset: number, length: number, value: string) => header.write(value, offset, length, "ascii");
  const octal = (offset: number, length: number, n: number) => field(offset, length, n.toString(8).padStart(length - 1, "0") + "\0");
  field(0, 100, name);
  octal(100, 8, 0o644);
  octal(108, 8, 0);
  octal(116, 8, 0);
  octal(124, 12, data.length);
  octal(136, 12, 0);
  field(148, 8, "        ");
  field(156, 1, "0");
  field(257, 6, "ustar\0");
  field(263, 2, "00");
  let sum = 0;
  for (const byte of header) sum += byte;
  field(148, 8, sum.toString(8).padStart(6, "0") + "\0 ");
  const padding = Buffer.alloc((512 - (data.length % 512)) % 512);
  return Buffer.concat([header, data, padding, Buffer.alloc(1024)]);
}

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
const sha256 = (b: Buffer): string => `sha256:${createHash("sha256").update(b).digest("hex")}`;

async function pushManifestBlobs(client: RegistryClient, repository: string, config: Buffer, configMediaType: string, layers: { bytes: Buffer; mediaType: string }[]): Promise<Buffer> {
  const configDesc = await client.pushBlob(repository, config);
  const layerDescs: Descriptor[] = [];
  for (const layer of layers) layerDescs.push({ mediaType: layer.mediaType, ...(await client.pushBlob(repository, layer.bytes)) });
  return json({ schemaVersion: 2, mediaType: MediaType.ociManifest, config: { mediaType: configMediaType, ...configDesc }, layers: layerDescs });
}

export async function seedImage(client: RegistryClient, repository: string, tag: string, options: SeedOptions = {}): Promise<SeededImage> {
  const platforms = options.platforms ?? ["linux/amd64", "linux/arm64"];
  const entries: Descriptor[] = [];
  const seeded: SeededImage["platforms"] = {};
  for (const name of platforms) {
    const platform = parsePlatform(name);
    const tar = tarFile("hello.txt", `hello from ${name}\n`);
    const layer = gzipSync(tar, { level: 9 });
    const config = {
      architecture: platform.architecture,
      os: platform.os,
      ...(platform.variant && { variant: platform.variant }),
      created: "2024-01-01T00:00:00Z",
      config: { Env: ["PATH=/usr/bin"], Cmd: ["cat", "/hello.txt"], Labels: { ...options.labels, platform: name } },
      rootfs: { type: "layers", diff_ids: [sha256(tar)] },
      history: [{ created: "2024-01-01T00:00:00Z", created_by: "seedImage" }],
    };
    const manifest = await pushManifestBlobs(client, repository, json(config), MediaType.ociConfig, [{ bytes: layer, mediaType: MediaType.ociLayerGzip }]);
    const digest = await client.putManifest(repository, sha256(manifest), { mediaType: MediaType.ociManifest, bytes: manifest });
    entries.push({ mediaType: MediaType.ociManifest, digest, size: manifest.length, platform });
    seeded[name] = { digest, config };
  }
  if (options.attestation && entries[0]) {
    const statement = json({ _type: "https://in-toto.io/Statement/v0.1", predicateType: "https://slsa.dev/provenance/v0.2", subject: [] });
    const manifest = await pushManifestBlobs(client, repository, json({ architecture: "unknown", os: "unknown", config: {}, rootfs: { type: "layers", diff_ids: [sha256(statement)] } }), MediaType.ociConfig, [
      { bytes: statement, mediaType: "application/vnd.in-toto+json" },
    ]);
    const digest = await client.putManifest(repository, sha256(manifest), { mediaType: MediaType.ociManifest, bytes: manifest });
    entries.push({
      mediaType: MediaType.ociManifest,
      digest,
      size: manifest.length,
      platform: { os: "unknown", architecture: "unknown" },
      annotations: { "vnd.docker.reference.type": "attestation-manifest", "vnd.docker.reference.digest": entries[0].digest },
    });
  }
  const index = json({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: entries });
  const digest = await client.putManifest(repository, tag, { mediaType: MediaType.ociIndex, bytes: index });
  return { digest, mediaType: MediaType.ociIndex, bytes: index, platforms: seeded };
}
