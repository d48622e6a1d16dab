import { describe, expect, it } from "vitest";
import { compareDebianVersions } from "../src/changes/debian-version.ts";
import { compareVersions, diffPackages, diffTools, nothingChanged, type VersionFacts } from "../src/changes/compare.ts";
import { changesMarkdown, signedBytes } from "../src/changes/changes-markdown.ts";
import { debianPackages, lockedTools } from "../src/changes/sbom-facts.ts";
import { enrichSbom, type SpdxDocument } from "../src/attest/sbom.ts";

const LOCK = "packages/demo/tools.lock.json";
const pin = (name: string, version: string, lock = LOCK) => ({ name, version, lock });
const deb = (name: string, version: string) => ({ name, version });

function facts(version: string, over: Partial<VersionFacts> = {}): VersionFacts {
  return {
    version,
    digest: `sha256:${version.replaceAll(".", "").padEnd(64, "0")}`,
    base: { name: "docker.io/library/debian:trixie-slim", digest: `sha256:${"b".repeat(64)}` },
    sizes: { "linux/amd64": 1_000_000, "linux/arm64": 900_000 },
    tools: { pins: [pin("helm", "4.2.0"), pin("kubectl", "1.37.0"), pin("k9s", "0.50.0")], from: "its SBOM" },
    packages: { "linux/amd64": [deb("bash", "5.2.37-2"), deb("zlib1g", "1:1.3.dfsg-3")], "linux/arm64": [deb("bash", "5.2.37-2")] },
    ...over,
  };
}

describe("Debian version order", () => {
  it("follows deb-version: epoch first, numbers as numbers, ~ before the end, letters before other characters", () => {
    expect(compareDebianVersions("1:1.0", "2.0")).toBe(1);
    expect(compareDebianVersions("1.10", "1.9")).toBe(1);
    expect(compareDebianVersions("1.0~rc1", "1.0")).toBe(-1);
    expect(compareDebianVersions("1.0", "1.0+b1")).toBe(-1);
    expect(compareDebianVersions("2.36.1-8+deb12u1", "2.36.1-8")).toBe(1);
    expect(compareDebianVersions("1.0a", "1.0+")).toBe(-1);
    expect(compareDebianVersions("3.0.11-1~deb12u2", "3.0.11-1")).toBe(-1);
    expect(compareDebianVersions("1.2.3-1", "1.2.3-1")).toBe(0);
  });
});

describe("what changed between two versions (pure)", () => {
  it("tools: moved, added and removed by name, with release-notes links for the new versions", () => {
    const t = diffTools(
      [pin("helm", "4.2.0"), pin("k9s", "0.50.0"), pin("old", "1.0.0")],
      [pin("helm", "4.3.0"), pin("k9s", "0.50.0"), pin("yq", "4.54.1")],
      (tool, v) => (tool === "helm" ? `https://github.com/helm/helm/releases/tag/v${v}` : null),
    );
    expect(t).toEqual({
      moved: [{ name: "helm", from: "4.2.0", to: "4.3.0", lock: LOCK, notes: "https://github.com/helm/helm/releases/tag/v4.3.0" }],
      added: [pin("yq", "4.54.1")],
      removed: [pin("old", "1.0.0")],
    });
  });

  it("Debian packages: upgraded and downgraded in Debian's order, added, removed", () => {
    expect(
      diffPackages(
        [deb("bash", "5.2.15-2"), deb("libc6", "2.36-9+deb12u10"), deb("gone", "1")],
        [deb("bash", "5.2.37-2"), deb("libc6", "2.36-9+deb12u9"), deb("new", "2")],
      ),
    ).toEqual({
      upgraded: [{ name: "bash", from: "5.2.15-2", to: "5.2.37-2" }],
      downgraded: [{ name: "libc6", from: "2.36-9+deb12u10", to: "2.36-9+deb12u9" }],
      added: [deb("new", "2")],
      removed: [deb("gone", "1")],
    });
  });

  it("a first version has no predecessor, and says so", () => {
    const c = compareVersions("demo", undefined, facts("1.0.0"));
    expect(c).toEqual({ image: "demo", version: "1.0.0", digest: facts("1.0.0").digest, previous: null });
    expect(changesMarkdown(c)).toEqual(["demo 1.0.0 is the first published version: it has no predecessor to compare with."]);
  });

  it("compares tools, packages per platform, the base digest and sizes per platform with their delta", () => {
    const before = facts("1.0.0");
    const after = facts("1.1.0", {
      base: { name: "docker.io/library/debian:trixie-slim", digest: `sha256:${"c".repeat(64)}` },
      sizes: { "linux/amd64": 1_250_000, "linux/arm64": 880_000 },
      tools: { pins: [pin("helm", "4.3.0"), pin("kubectl", "1.37.0"), pin("yq", "4.54.1")], from: "its SBOM" },
      packages: { "linux/amd64": [deb("bash", "5.2.37-3"), deb("jq", "1.6-2.1")], "linux/arm64": [deb("bash", "5.2.37-2")] },
    });
    const c = compareVersions("demo", before, after, (tool, v) => (tool === "helm" ? `https://github.com/helm/helm/releases/tag/v${v}` : null));
    expect(c.previous).toEqual({ version: "1.0.0", digest: before.digest });
    expect(c.base).toEqual({ from: before.base, to: after.base, changed: true });
    expect(c.sizes).toEqual({
      "linux/amd64": { from: 1_000_000, to: 1_250_000, delta: 250_000 },
      "linux/arm64": { from: 900_000, to: 880_000, delta: -20_000 },
    });
    expect(c.packages!["linux/arm64"]).toEqual({ upgraded: [], downgraded: [], added: [], removed: [] });
    expect(nothingChanged(c)).toBe(false);
    const md = changesMarkdown(c, { vulnerabilities: "1 fixed, 0 new, 2 still open since 1.0.0 (below)" }).join("\n");
    expect(md).toContain("Compared with demo 1.0.0 (`sha256:100000000000…`):");
    expect(md).toContain("- helm 4.2.0 → [4.3.0](https://github.com/helm/helm/releases/tag/v4.3.0)");
    expect(md).toContain("- yq 4.54.1 (added)");
    expect(md).toContain("- k9s 0.50.0 (removed)");
    expect(md).toContain("- linux/amd64:\n  - upgraded: bash 5.2.37-2 → 5.2.37-3\n  - added: jq 1.6-2.1\n  - removed: zlib1g 1:1.3.dfsg-3");
    expect(md).toContain("- linux/arm64:\n  - no change");
    expect(md).toContain(
      `**Base:** docker.io/library/debian:trixie-slim \`sha256:bbbbbbbbbbbb…\` → docker.io/library/debian:trixie-slim \`sha256:cccccccccccc…\``,
    );
    expect(md).toContain("- linux/amd64: 1.0 MB → 1.3 MB (+250.0 kB)");
    expect(md).toContain("- linux/arm64: 900.0 kB → 880.0 kB (-20.0 kB)");
    expect(md).toContain("**Vulnerabilities:** 1 fixed, 0 new, 2 still open since 1.0.0 (below)");
  });

  it("an SBOM that did not count makes that side unknown, saying why, without hiding what is known", () => {
    const before = facts("1.0.0", { packages: { "linux/amd64": { unknown: "no SBOM signed by the configured cosign key" }, "linux/arm64": [] } });
    const c = compareVersions("demo", before, facts("1.1.0"));
    expect(c.packages!["linux/amd64"]).toEqual({ unknown: "1.0.0: no SBOM signed by the configured cosign key" });
    expect(changesMarkdown(c).join("\n")).toContain("- linux/amd64: not known (1.0.0: no SBOM signed by the configured cosign key)");
    const same = compareVersions("demo", facts("1.0.0"), facts("1.0.1", { digest: facts("1.0.0").digest }));
    expect(nothingChanged(same)).toBe(true);
    expect(changesMarkdown(same).join("\n")).toContain("**Tools:** no change");
    expect(signedBytes(0)).toBe("±0 B");
  });
});

describe("facts from an SBOM as publish attaches it", () => {
  it("Debian packages from syft's deb purls, tools from the lock packages publish adds", () => {
    const syft: SpdxDocument = {
      spdxVersion: "SPDX-2.3",
      SPDXID: "SPDXRef-DOCUMENT",
      name: "x",
      documentNamespace: "https://example.invalid/x",
      documentDescribes: ["SPDXRef-root"],
      packages: [
        { name: "root", SPDXID: "SPDXRef-root", downloadLocation: "NOASSERTION" },
        {
          name: "bash",
          SPDXID: "SPDXRef-Package-deb-bash-1",
          versionInfo: "5.2.15-2+b7",
          downloadLocation: "NOASSERTION",
          externalRefs: [
            { referenceCategory: "PACKAGE-MANAGER", referenceType: "purl", referenceLocator: "pkg:deb/debian/bash@5.2.15-2%2Bb7?arch=amd64&distro=debian-12" },
          ],
        },
        {
          name: "stdlib",
          SPDXID: "SPDXRef-Package-go-module-stdlib-2",
          versionInfo: "go1.25.0",
          downloadLocation: "NOASSERTION",
          externalRefs: [{ referenceCategory: "PACKAGE-MANAGER", referenceType: "purl", referenceLocator: "pkg:golang/stdlib@1.25.0" }],
        },
      ],
    };
    const lock = {
      image: "demo",
      tools: {
        helm: {
          version: "4.3.0",
          description: "d",
          homepage: "https://helm.sh/",
          url: "https://get.helm.sh/helm-v{version}-linux-{arch}.tar.gz",
          sha256: { amd64: "a".repeat(64), arm64: "b".repeat(64) },
          archive: "tar.gz",
          install: "/usr/local/bin/helm",
          versionCommand: ["helm", "version"],
          versionPattern: "v{version}",
          examples: ["helm list"],
          sources: ["https://get.helm.sh/"],
        },
      },
    };
    const doc = enrichSbom(syft, [{ file: LOCK, lock: lock as never }], "amd64");
    expect(debianPackages(doc)).toEqual([deb("bash", "5.2.15-2+b7")]);
    expect(lockedTools(doc)).toEqual([pin("helm", "4.3.0")]);
  });
});
