import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ImageMetadataError } from "@image-tooling/image-metadata";
import { describe, expect, it } from "vitest";
import { INSTALL_ROOT } from "@image-tooling/cli-support";
import { archOf, downloadPin, HELPER_LOCK_FILE, HelperConfigError, helperEntry, parseHelperLock, parseHelperMode } from "../src/attest/helper-lock.ts";
import { COSIGN, GRYPE, SYFT } from "../src/attest/tools.ts";

const HEX = (c: string) => c.repeat(64);
const entry = {
  version: "1.2.3",
  homepage: "https://example.org/tool",
  goPackage: "example.org/tool/cmd/tool",
  url: "https://example.org/releases/v{version}/tool_{version}_linux_{arch}.tar.gz",
  archive: "tar.gz",
  member: "tool",
  sha256: { amd64: HEX("a"), arm64: HEX("b") },
  sources: ["https://example.org/releases/v1.2.3/checksums.txt"],
  update: {
    versions: { github: "example/tool", tag: "v{version}" },
    checksums: { format: "sha256sum", url: "https://example.org/releases/v{version}/checksums.txt" },
  },
};
const lockText = (tools: Record<string, unknown>) => JSON.stringify({ tools });
const problemOf = (text: string): string => {
  try {
    parseHelperLock(text);
  } catch (e) {
    expect(e).toBeInstanceOf(ImageMetadataError);
    return (e as Error).message;
  }
  throw new Error("the lock parsed");
};

describe("the helper-binary lock in the repository", () => {
  const lock = parseHelperLock(readFileSync(join(INSTALL_ROOT, HELPER_LOCK_FILE), "utf8"));

  it("pins cosign's release binaries by sha256 for both arches, with the checksum file to check them against", () => {
    const cosign = helperEntry(lock, "cosign");
    expect(cosign.version).toBe("3.1.3");
    expect(cosign.sha256).toEqual({
      amd64: "4629c757b7618056f8ddd7e2625ae9fdd94c0372a65049520bc7d9df9efc7f71",
      arm64: "c5d324e091826b0d7a78eb16fef316450b4eb9aaec045611c08ba06f5e73220a",
    });
    expect(cosign.sources).toContain("https://github.com/sigstore/cosign/releases/download/v3.1.3/cosign_checksums.txt");
    expect(downloadPin("cosign", cosign, "linux", "arm64")).toMatchObject({
      url: "https://github.com/sigstore/cosign/releases/download/v3.1.3/cosign-linux-arm64",
      sha256: "c5d324e091826b0d7a78eb16fef316450b4eb9aaec045611c08ba06f5e73220a",
      archive: "binary",
    });
  });

  it("is where the Go build's versions come from: one version per helper, downloaded or built", () => {
    expect(COSIGN).toMatchObject({ pkg: "github.com/sigstore/cosign/v3/cmd/cosign", version: "v3.1.3", envVar: "COSIGN_BIN" });
    expect(SYFT).toMatchObject({ pkg: "github.com/anchore/syft/cmd/syft", version: `v${helperEntry(lock, "syft").version}` });
    expect(GRYPE).toMatchObject({ pkg: "github.com/anchore/grype/cmd/grype", version: `v${helperEntry(lock, "grype").version}` });
  });

  it("names a public source for every pin", () => {
    for (const tool of Object.values(lock.tools)) expect(tool.sources.every((s) => s.startsWith("https://"))).toBe(true);
  });
});

describe("parseHelperLock", () => {
  it("reads a valid lock", () => {
    expect(parseHelperLock(lockText({ tool: entry })).tools.tool?.version).toBe("1.2.3");
  });

  it("names the field of a malformed hash", () => {
    expect(problemOf(lockText({ tool: { ...entry, sha256: { amd64: "abc", arm64: HEX("b") } } }))).toMatch(
      /libs\/pipeline\/helper-tools\.lock\.json, field "tools\.tool\.sha256\.amd64": must be a sha256: 64 lower-case hex/,
    );
  });

  it("requires a member for a tar.gz", () => {
    const { member: _, ...noMember } = entry;
    expect(problemOf(lockText({ tool: noMember }))).toMatch(/field "tools\.tool\.member": is required for a tar\.gz/);
  });

  it("refuses a moving version, an unknown field and plain http", () => {
    expect(problemOf(lockText({ tool: { ...entry, version: "latest" } }))).toMatch(/"tools\.tool\.version": must be an exact version/);
    expect(problemOf(lockText({ tool: { ...entry, sha512: "x" } }))).toMatch(/"tools\.tool\.sha512": is not a known field/);
    expect(problemOf(lockText({ tool: { ...entry, url: "http://example.org/tool" } }))).toMatch(/"tools\.tool\.url": must be an https:\/\/ URL/);
  });

  it("says when the file is not JSON", () => {
    expect(problemOf("{ tools")).toMatch(/helper-tools\.lock\.json: is not valid JSON/);
  });

  it("names a helper the pipeline needs but the lock lacks", () => {
    expect(() => helperEntry(parseHelperLock(lockText({})), "cosign")).toThrow(/field "tools\.cosign": is missing: the pipeline needs it/);
  });
});

describe("downloadPin", () => {
  const tool = parseHelperLock(lockText({ tool: entry })).tools.tool!;

  it("expands the URL and member for the host's arch and takes that arch's hash", () => {
    expect(downloadPin("tool", tool, "linux", "amd64")).toEqual({
      tool: "tool",
      version: "1.2.3",
      arch: "amd64",
      url: "https://example.org/releases/v1.2.3/tool_1.2.3_linux_amd64.tar.gz",
      sha256: HEX("a"),
      archive: "tar.gz",
      member: "tool",
    });
    expect(downloadPin("tool", tool, "linux", "arm64")).toMatchObject({ sha256: HEX("b"), url: expect.stringContaining("_linux_arm64.tar.gz") });
  });

  it("uses the lock's spelling of an arch", () => {
    const t = parseHelperLock(lockText({ tool: { ...entry, archNames: { amd64: "x86_64", arm64: "aarch64" } } })).tools.tool!;
    expect(downloadPin("tool", t, "linux", "arm64")).toMatchObject({ url: "https://example.org/releases/v1.2.3/tool_1.2.3_linux_aarch64.tar.gz" });
  });

  it("says why there is nothing to download: another OS or arch, or no hash pinned yet", () => {
    expect(downloadPin("tool", tool, "darwin", "arm64")).toEqual({ none: "release binaries are pinned for linux only, this is darwin" });
    expect(downloadPin("tool", tool, "linux", archOf("riscv64"))).toEqual({ none: "release binaries are pinned for amd64 and arm64 only" });
    const { sha256: _, ...unpinned } = entry;
    const t = parseHelperLock(lockText({ tool: unpinned })).tools.tool!;
    expect(downloadPin("tool", t, "linux", "amd64")).toEqual({
      none: expect.stringMatching(/has no verified download of tool 1\.2\.3 yet \(npm run tools:update/),
    });
  });

  it("maps Node's arch names", () => {
    expect([archOf("x64"), archOf("arm64"), archOf("ia32")]).toEqual(["amd64", "arm64", null]);
  });
});

describe("HELPER_TOOLS", () => {
  it("is download, build or auto; unset is auto", () => {
    expect(["download", "build", "auto", "", undefined].map(parseHelperMode)).toEqual(["download", "build", "auto", "auto", "auto"]);
  });

  it("refuses anything else, saying what it accepts", () => {
    expect(() => parseHelperMode("go")).toThrow(HelperConfigError);
    expect(() => parseHelperMode("go")).toThrow(/HELPER_TOOLS=go is not a mode: use download .*, build .* or auto/);
  });
});
