import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { imageConfig, imageIndex, imageManifest, jsonBlob, type Layer } from "../src/documents.ts";
import { MediaType, type Platform, sha256Digest } from "../src/media.ts";

const layer = (n: string): Layer => ({
  blob: { mediaType: MediaType.ociLayerGzip, digest: `sha256:${n.repeat(64)}`, size: 100 },
  diffId: `sha256:${n.repeat(63)}0`,
  createdBy: `layer ${n}`,
});
const amd64: Platform = { os: "linux", architecture: "amd64" };
const arm64: Platform = { os: "linux", architecture: "arm64", variant: "v8" };

describe("OCI documents", () => {
  it("describes a JSON blob by the digest and size of its exact bytes", () => {
    const b = jsonBlob(MediaType.ociConfig, { a: 1 });
    expect(b.bytes.toString()).toBe('{"a":1}');
    expect(b.descriptor).toEqual({ mediaType: MediaType.ociConfig, digest: `sha256:${createHash("sha256").update('{"a":1}').digest("hex")}`, size: 7 });
    expect(sha256Digest("")).toBe("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(sha256Digest(Buffer.from("é"))).toBe(sha256Digest("é"));
  });

  it("builds a config whose diff_ids and history follow the layers", () => {
    const cfg = imageConfig({
      platform: arm64,
      created: "2026-01-01T00:00:00Z",
      layers: [layer("a"), layer("b")],
      entrypoint: ["/x"],
      cmd: ["serve"],
      exposedPorts: ["5000/tcp"],
      volumes: ["/data"],
    });
    expect(cfg).toMatchObject({
      architecture: "arm64",
      variant: "v8",
      os: "linux",
      rootfs: { type: "layers", diff_ids: [layer("a").diffId, layer("b").diffId] },
    });
    expect((cfg.config as Record<string, unknown>).Entrypoint).toEqual(["/x"]);
    expect((cfg.config as Record<string, unknown>).ExposedPorts).toEqual({ "5000/tcp": {} });
    expect((cfg.config as Record<string, unknown>).Env).toEqual(["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]);
    expect(cfg.history).toHaveLength(2);
  });

  it("serializes exactly as before, so the harness's seeded digests do not move", () => {
    const config = jsonBlob(MediaType.ociConfig, imageConfig({ platform: arm64, created: "t", layers: [layer("a")], cmd: ["bash"], labels: { x: "y" } }));
    expect(config.bytes.toString()).toBe(
      `{"created":"t","architecture":"arm64","variant":"v8","os":"linux","config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["bash"],"Labels":{"x":"y"}},"rootfs":{"type":"layers","diff_ids":["${layer("a").diffId}"]},"history":[{"created":"t","created_by":"layer a"}]}`,
    );
    const manifest = imageManifest({ config, layers: [layer("a")], platform: arm64 });
    expect(manifest.bytes.toString()).toBe(
      `{"schemaVersion":2,"mediaType":"${MediaType.ociManifest}","config":${JSON.stringify(config.descriptor)},"layers":[${JSON.stringify(layer("a").blob)}]}`,
    );
  });

  it("builds a two-platform index from per-platform manifests", () => {
    const manifests = [amd64, arm64].map((platform) => {
      const config = jsonBlob(MediaType.ociConfig, imageConfig({ platform, created: "t", layers: [layer("a")] }));
      return imageManifest({ config, layers: [layer("a")], platform });
    });
    const index = imageIndex(manifests);
    const doc = JSON.parse(index.bytes.toString());
    expect(doc.mediaType).toBe(MediaType.ociIndex);
    expect(doc.manifests.map((m: { mediaType: string }) => m.mediaType)).toEqual([MediaType.ociManifest, MediaType.ociManifest]);
    expect(doc.manifests.map((m: { platform: Platform }) => m.platform)).toEqual([amd64, arm64]);
    expect(JSON.parse(manifests[0]!.bytes.toString()).layers[0].digest).toBe(layer("a").blob.digest);
    expect(() => imageIndex([manifests[0]!, manifests[0]!])).toThrow(/linux\/amd64 twice/);
  });
});
