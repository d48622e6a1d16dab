import { gzipSync } from "node:zlib";
import {
  imageConfig,
  imageIndex,
  imageManifest,
  type JsonBlob,
  jsonBlob,
  type Layer,
  MediaType,
  parsePlatform,
  pushImage,
  type RegistryClient,
  sha256Digest,
} from "@image-tooling/oci-registry";

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

/**
 * One platform's image: a gzip layer holding `hello.txt`, a config with the
 * labels, the manifest, all through the registry lib's document builders.
 */
function platformImage(name: string, labels: Record<string, string>): { layer: Buffer; config: JsonBlob; manifest: JsonBlob } {
  const platform = parsePlatform(name);
  const tar = tarFile("hello.txt", `hello from ${name}\n`);
  const layer = gzipSync(tar, { level: 9 });
  const layers: Layer[] = [
    { blob: { mediaType: MediaType.ociLayerGzip, digest: sha256Digest(layer), size: layer.length }, diffId: sha256Digest(tar), createdBy: "seedImage" },
  ];
  const config = jsonBlob(
    MediaType.ociConfig,
    imageConfig({ platform, created: "2024-01-01T00:00:00Z", layers, env: ["PATH=/usr/bin"], cmd: ["cat", "/hello.txt"], labels }),
  );
  return { layer, config, manifest: imageManifest({ config, layers, platform }) };
}

/** A BuildKit-style provenance entry: an in-toto statement as the one layer, `unknown/unknown` in the index. */
function attestationImage(subject: string): { statement: Buffer; config: JsonBlob; manifest: JsonBlob } {
  const statement = Buffer.from(JSON.stringify({ _type: "https://in-toto.io/Statement/v0.1", predicateType: "https://slsa.dev/provenance/v0.2", subject: [] }));
  const platform = { os: "unknown", architecture: "unknown" };
  const layers: Layer[] = [
    {
      blob: { mediaType: "application/vnd.in-toto+json", digest: sha256Digest(statement), size: statement.length },
      diffId: sha256Digest(statement),
      createdBy: "attestation",
    },
  ];
  const config = jsonBlob(MediaType.ociConfig, imageConfig({ platform, created: "2024-01-01T00:00:00Z", layers }));
  const manifest = imageManifest({ config, layers, platform });
  const annotations = { "vnd.docker.reference.type": "attestation-manifest", "vnd.docker.reference.digest": subject };
  return { statement, config, manifest: { ...manifest, descriptor: { ...manifest.descriptor, annotations } } };
}

export async function seedImage(client: RegistryClient, repository: string, tag: string, options: SeedOptions = {}): Promise<SeededImage> {
  const blobs: Buffer[] = [];
  const manifests: JsonBlob[] = [];
  const seeded: SeededImage["platforms"] = {};
  for (const name of options.platforms ?? ["linux/amd64", "linux/arm64"]) {
    const image = platformImage(name, { ...options.labels, platform: name });
    blobs.push(image.layer, image.config.bytes);
    manifests.push(image.manifest);
    seeded[name] = { digest: image.manifest.descriptor.digest, config: JSON.parse(image.config.bytes.toString()) as Record<string, unknown> };
  }
  if (options.attestation && manifests[0]) {
    const attestation = attestationImage(manifests[0].descriptor.digest);
    blobs.push(attestation.statement, attestation.config.bytes);
    manifests.push(attestation.manifest);
  }
  const index = imageIndex(manifests);
  const digest = await pushImage(client, repository, { blobs, manifests, index }, [tag]);
  return { digest, mediaType: MediaType.ociIndex, bytes: index.bytes, platforms: seeded };
}
