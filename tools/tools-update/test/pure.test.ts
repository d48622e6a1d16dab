import { describe, expect, it } from "vitest";
import { fileNameOf, fromSha256sumList, fromSingleHash, fromYqChecksums } from "../src/checksums.ts";
import { bumpOf, renderChangeset } from "../src/changeset.ts";
import { applyBaseDigest, applyVersions } from "../src/lock-text.ts";
import { mirrored, parseMirror } from "@image-tooling/pipeline/http";
import { parseBaseRef } from "../src/base.ts";
import { bumpFor, compareVersions, newest, versionOfTag } from "../src/versions.ts";

const A = "a".repeat(64);
const B = "b".repeat(64);

describe("checksum formats", () => {
  it("sha256sum lists: text and binary mode, ./ prefixes, upper-case hex; a missing file is null", () => {
    const list = `${A}  tool-linux-amd64.tar.gz\n${B.toUpperCase()} *./tool-linux-arm64.tar.gz\n`;
    expect(fromSha256sumList(list, "tool-linux-amd64.tar.gz")).toBe(A);
    expect(fromSha256sumList(list, "tool-linux-arm64.tar.gz")).toBe(B);
    expect(fromSha256sumList(list, "tool-linux-arm64")).toBeNull();
  });
  it("single-hash files, with or without a file name; anything else is null", () => {
    expect(fromSingleHash(`${A}\n`)).toBe(A);
    expect(fromSingleHash(`${A}  kubectl\n`)).toBe(A);
    expect(fromSingleHash("<html>not found</html>")).toBeNull();
  });
  it("yq: the SHA-256 column named by checksums_hashes_order; no such column or file is null", () => {
    const order = "CRC32\nMD5\nSHA-1\nSHA-256\n";
    expect(fromYqChecksums(`yq_linux_amd64  1 2 3 ${A}\n`, order, "yq_linux_amd64")).toBe(A);
    expect(fromYqChecksums(`yq_linux_amd64  1 2 3 ${A}\n`, "CRC32\nMD5\n", "yq_linux_amd64")).toBeNull();
    expect(fromYqChecksums(`yq_linux_amd64  1 2 3 ${A}\n`, order, "yq_linux_arm64")).toBeNull();
  });
  it("a download is named by its URL's last segment, decoded", () => {
    expect(fileNameOf("https://github.com/kubernetes-sigs/kustomize/releases/download/kustomize%2Fv5.8.3/kustomize_v5.8.3_linux_amd64.tar.gz")).toBe(
      "kustomize_v5.8.3_linux_amd64.tar.gz",
    );
  });
});

describe("versions and tracks", () => {
  it("reads X.Y.Z from tags by pattern; pre-releases and other modules' tags are not versions", () => {
    expect(versionOfTag("v{version}", "v1.37.10")).toBe("1.37.10");
    expect(versionOfTag("kustomize/v{version}", "kustomize/v5.8.3")).toBe("5.8.3");
    expect(versionOfTag("kustomize/v{version}", "api/v0.20.1")).toBeNull();
    expect(versionOfTag("v{version}", "v4.4.1-rc.1")).toBeNull();
    expect(versionOfTag("jq-{version}", "jq-1.8.2")).toBe("1.8.2");
  });
  it("compares numerically and stays on the track", () => {
    expect(compareVersions("1.37.10", "1.37.9")).toBeGreaterThan(0);
    expect(newest(["1.37.9", "1.37.10", "1.38.0", "2.0.0"], "1.37")).toEqual({ onTrack: "1.37.10", overall: "2.0.0" });
    expect(newest(["4.3.0", "4.10.0", "5.0.0"], "4")).toEqual({ onTrack: "4.10.0", overall: "5.0.0" });
    expect(newest(["41.0.0"], "4")).toEqual({ onTrack: null, overall: "41.0.0" });
    expect(newest(["1.0.0", "2.0.0"], undefined)).toEqual({ onTrack: "2.0.0", overall: "2.0.0" });
  });
  it("a patch release is a patch bump; minor and major releases are minor bumps of the image", () => {
    expect(bumpFor("1.37.1", "1.37.3")).toBe("patch");
    expect(bumpFor("4.3.0", "4.4.0")).toBe("minor");
    expect(bumpFor("4.3.0", "5.0.0")).toBe("minor");
  });
});

describe("TOOLS_MIRROR", () => {
  it("maps upstream prefixes, first match wins, other URLs unchanged", () => {
    const m = parseMirror("https://github.com/=https://nexus.example.com/gh/\n  https://get.helm.sh/=https://nexus.example.com/helm/");
    expect(mirrored("https://github.com/mikefarah/yq/releases/download/v4/yq", m)).toBe("https://nexus.example.com/gh/mikefarah/yq/releases/download/v4/yq");
    expect(mirrored("https://get.helm.sh/helm-v4.4.0-linux-amd64.tar.gz", m)).toBe("https://nexus.example.com/helm/helm-v4.4.0-linux-amd64.tar.gz");
    expect(mirrored("https://dl.k8s.io/release/stable.txt", m)).toBe("https://dl.k8s.io/release/stable.txt");
    expect(parseMirror(undefined)).toEqual([]);
  });
  it("rejects an entry without = and a plain-http mirror", () => {
    expect(() => parseMirror("https://github.com/")).toThrow(/is not UPSTREAM_PREFIX=MIRROR_PREFIX/);
    expect(() => parseMirror("https://github.com/=http://nexus/")).toThrow(/must be an https:\/\/ URL prefix/);
  });
});

describe("rewriting files", () => {
  it("changes only version, sha256, sources and the computed date; key order kept", () => {
    const text = `${JSON.stringify({ image: "x", tools: { t: { version: "1.0.0", url: "u", sha256: { amd64: A, arm64: B }, sources: ["s"], update: { versions: {}, checksums: { format: "computed" } } } } }, null, 2)}\n`;
    const out = applyVersions(text, { t: { version: "1.0.1", sha256: { amd64: B, arm64: A }, sources: ["n"], computedOn: "2026-12-03" } });
    expect(out).toBe(
      `${JSON.stringify({ image: "x", tools: { t: { version: "1.0.1", url: "u", sha256: { amd64: B, arm64: A }, sources: ["n"], update: { versions: {}, checksums: { format: "computed", computedOn: "2026-12-03" } } } } }, null, 2)}\n`,
    );
  });
  it("image.yaml: only the digest line changes, comments kept", () => {
    const yaml = "name: x\nbase:\n  image: docker.io/library/debian:trixie-slim\n  digest: sha256:old # pinned\nsmoke: smoke.yaml\n";
    expect(applyBaseDigest(yaml, "sha256:old", "sha256:new")).toBe(yaml.replace("sha256:old", "sha256:new"));
    expect(() => applyBaseDigest(yaml, "sha256:gone", "sha256:new")).toThrow(/not found/);
  });
  it("base references: Docker Hub short names, registries with ports, a tag is required", () => {
    expect(parseBaseRef("docker.io/library/debian:trixie-slim")).toEqual({ registry: "docker.io", repository: "library/debian", tag: "trixie-slim" });
    expect(parseBaseRef("127.0.0.1:5000/team/base:stable")).toEqual({ registry: "127.0.0.1:5000", repository: "team/base", tag: "stable" });
    expect(parseBaseRef("debian:trixie-slim")).toEqual({ registry: "docker.io", repository: "debian", tag: "trixie-slim" });
    expect(() => parseBaseRef("127.0.0.1:5000/team/base")).toThrow(/has no tag/);
  });
  it("changesets: the largest bump of the image, base moves listed", () => {
    const c = { image: "pandoc", tools: [], base: { image: "docker.io/library/debian:trixie-slim", from: "sha256:1", to: "sha256:2" } };
    expect(bumpOf(c)).toBe("patch");
    expect(renderChangeset(c)).toBe(
      '---\n"pandoc": patch\n---\n\nUpdate base image (npm run tools:update):\n\n- base `docker.io/library/debian:trixie-slim` → `sha256:2` (the tag\'s newest multi-platform digest; was `sha256:1`)\n',
    );
    expect(
      bumpOf({
        image: "x",
        tools: [
          { tool: "a", from: "1.0.0", to: "1.0.1", bump: "patch", notes: null },
          { tool: "b", from: "1.0.0", to: "1.1.0", bump: "minor", notes: null },
        ],
      }),
    ).toBe("minor");
  });
});
