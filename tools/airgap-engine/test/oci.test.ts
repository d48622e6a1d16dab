import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { imageConfig, imageIndex, imageManifest, indexPlatforms, jsonBlob, MEDIA, platformFor, platformString, sha256Digest, type Layer } from "../src/oci.ts";

const layer = (n: string): Layer => ({
  blob: { mediaType: MEDIA.layerGzip, digest: `sha256:${n.repeat(64)}`, size: 100 },
  diffId: `sha256:${n.repeat(63)}0`,
  createdBy: `layer ${n}`,
});

describe("OCI documents", () => {
  it("maps Debian architectures to OCI platforms", () => {
    expect(platformFor("amd64")).toEqual({ os: "linux", architecture: "amd64" });
    expect(platformFor("arm64")).toEqual({ os: "linux", architecture: "arm64", variant: "v8" });
    expect(() => platformFor("s390x")).toThrow(/unsupported/);
    expect(platformString(platformFor("arm64"))).toBe("linux/arm64/v8");
  });

  it("describes a JSON blob by the digest and size of its exact bytes", () => {
    const b = jsonBlob(MEDIA.config, { a: 1 });
    expect(b.bytes).toBe('{"a":1}');
    expect(b.descriptor).toEqual({ mediaType: MEDIA.config, digest: `sha256:${createHash("sha256").update('{"a":1}').digest("hex")}`, size: 7 });
    expect(sha256Digest("")).toBe("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });

  it("builds a config whose diff_ids and history follow the layers", () => {
    const cfg = imageConfig({ platform: platformFor("arm64"), created: "2026-01-01T00:00:00Z", layers: [layer("a"), layer("b")], entrypoint: ["/x"], cmd: ["serve"], exposedPorts: ["5000/tcp"], volumes: ["/data"] });
    expect(cfg).toMatchObject({ architecture: "arm64", variant: "v8", os: "linux", rootfs: { type: "layers", diff_ids: [layer("a").diffId, layer("b").diffId] } });
    expect((cfg.config as Record<string, unknown>).Entrypoint).toEqual(["/x"]);
    expect((cfg.config as Record<string, unknown>).ExposedPorts).toEqual({ "5000/tcp": {} });
    expect((cfg.config as Record<string, unknown>).Env).toEqual(["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]);
    expect(cfg.history).toHaveLength(2);
  });

  it("builds a two-platform index from per-platform manifests", () => {
    const manifests = (["amd64", "arm64"] as const).map((arch) => {
      const platform = platformFor(arch);
      const config = jsonBlob(MEDIA.config, imageConfig({ platform, created: "t", layers: [layer("a")] }));
      return imageManifest({ config, layers: [layer("a")], platform });
    });
    const index = imageIndex(manifests);
    const doc = JSON.parse(index.bytes);
    expect(doc.mediaType).toBe(MEDIA.index);
    expect(doc.manifests.map((m: { mediaType: string }) => m.mediaType)).toEqual([MEDIA.manifest, MEDIA.manifest]);
    expect(indexPlatforms(doc)).toEqual(["linux/amd64", "linux/arm64/v8"]);
    expect(JSON.parse(manifests[0]!.bytes).layers[0].digest).toBe(layer("a").blob.digest);
    expect(() => imageIndex([manifests[0]!, manifests[0]!])).toThrow(/twice/);
  });
});
