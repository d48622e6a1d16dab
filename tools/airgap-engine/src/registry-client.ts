import { createReadStream, statSync } from "node:fs";
import { Readable } from "node:stream";
import { MEDIA } from "./oci.ts";

/**
 * Minimal distribution v2 HTTP client for the loopback registry: enough to
 * push content-addressed blobs and manifests byte for byte (so digests are
 * exactly the ones computed here) and to read back what the registry holds.
 */
export class RegistryClient {
  constructor(readonly addr: string) {}

  private url(p: string): string {
    return `http://${this.addr}/v2/${p}`;
  }

  async ping(): Promise<{ ok: boolean; distribution: boolean }> {
    try {
      const res = await fetch(this.url(""), { signal: AbortSignal.timeout(2000) });
      return { ok: res.ok, distribution: res.headers.get("docker-distribution-api-version") === "registry/2.0" };
    } catch {
      return { ok: false, distribution: false };
    }
  }

  async hasBlob(repo: string, digest: string): Promise<boolean> {
    const res = await fetch(this.url(`${repo}/blobs/${digest}`), { method: "HEAD" });
    return res.status === 200;
  }

  /** Monolithic upload (POST then PUT with the whole body), skipped when the blob exists. */
  async pushBlob(repo: string, digest: string, source: { file: string } | { bytes: string | Uint8Array }): Promise<boolean> {
    if (await this.hasBlob(repo, digest)) return false;
    const start = await fetch(this.url(`${repo}/blobs/uploads/`), { method: "POST" });
    if (start.status !== 202) throw new Error(`registry refused upload of ${digest} to ${repo}: HTTP ${start.status} ${await start.text()}`);
    const location = start.headers.get("location");
    if (!location) throw new Error("registry returned no upload location");
    const target = new URL(location, `http://${this.addr}`);
    target.searchParams.set("digest", digest);
    let body: NonNullable<RequestInit["body"]>;
    let length: number;
    if ("file" in source) {
      length = statSync(source.file).size;
      body = Readable.toWeb(createReadStream(source.file)) as unknown as NonNullable<RequestInit["body"]>;
    } else {
      body = typeof source.bytes === "string" ? Buffer.from(source.bytes) : source.bytes;
      length = Buffer.byteLength(body as Buffer);
    }
    const put = await fetch(target, {
      method: "PUT",
      body,
      headers: { "content-type": "application/octet-stream", "content-length": String(length) },
      // Node's fetch needs this to stream a request body.
      duplex: "half",
    } as RequestInit);
    if (put.status !== 201) throw new Error(`upload of ${digest} to ${repo} failed: HTTP ${put.status} ${await put.text()}`);
    return true;
  }

  async putManifest(repo: string, reference: string, mediaType: string, bytes: string): Promise<string> {
    const res = await fetch(this.url(`${repo}/manifests/${reference}`), {
      method: "PUT",
      body: bytes,
      headers: { "content-type": mediaType },
    });
    if (res.status !== 201) throw new Error(`registry refused manifest ${repo}:${reference}: HTTP ${res.status} ${await res.text()}`);
    return res.headers.get("docker-content-digest") ?? "";
  }

  /** Digest the tag points at, or undefined when the tag does not exist. */
  async manifestDigest(repo: string, reference: string): Promise<string | undefined> {
    const res = await fetch(this.url(`${repo}/manifests/${reference}`), {
      method: "HEAD",
      headers: { accept: [MEDIA.index, MEDIA.manifest, MEDIA.dockerManifestList, MEDIA.dockerManifest].join(", ") },
    });
    if (res.status === 404) return undefined;
    if (!res.ok) throw new Error(`HEAD ${repo}:${reference}: HTTP ${res.status}`);
    return res.headers.get("docker-content-digest") ?? undefined;
  }

  async getManifest(repo: string, reference: string): Promise<{ mediaType: string; digest: string; doc: unknown }> {
    const res = await fetch(this.url(`${repo}/manifests/${reference}`), {
      headers: { accept: [MEDIA.index, MEDIA.manifest, MEDIA.dockerManifestList, MEDIA.dockerManifest].join(", ") },
    });
    if (!res.ok) throw new Error(`GET ${repo}:${reference}: HTTP ${res.status} ${await res.text()}`);
    return {
      mediaType: res.headers.get("content-type") ?? "",
      digest: res.headers.get("docker-content-digest") ?? "",
      doc: await res.json(),
    };
  }

  async catalog(): Promise<string[]> {
    const res = await fetch(this.url("_catalog?n=1000"));
    if (!res.ok) throw new Error(`GET /v2/_catalog: HTTP ${res.status}`);
    return ((await res.json()) as { repositories?: string[] }).repositories ?? [];
  }

  async tags(repo: string): Promise<string[]> {
    const res = await fetch(this.url(`${repo}/tags/list`));
    if (res.status === 404) return [];
    if (!res.ok) throw new Error(`GET ${repo}/tags/list: HTTP ${res.status}`);
    return ((await res.json()) as { tags?: string[] | null }).tags ?? [];
  }
}
