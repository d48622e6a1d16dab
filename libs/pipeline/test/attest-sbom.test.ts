import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseLock } from "@image-tooling/image-metadata";
import { lockSources } from "../src/attest/attest-image.ts";
import { enrichSbom, lockPackages, type SpdxDocument } from "../src/attest/sbom.ts";
import { loadWorkspace } from "../src/context/workspace.ts";

const lockText = JSON.stringify({
  image: "demo",
  tools: {
    kubectl: {
      version: "1.37.1",
      description: "Kubernetes command-line client",
      homepage: "https://kubernetes.io/",
      url: "https://dl.k8s.io/release/v{version}/bin/linux/{arch}/kubectl",
      sha256: { amd64: "a".repeat(64), arm64: "b".repeat(64) },
      archive: "binary",
      install: "/usr/local/bin/kubectl",
      versionCommand: ["kubectl", "version", "--client"],
      versionPattern: "v{version}",
      examples: ["kubectl get pods"],
      sources: ["https://dl.k8s.io/release/v1.37.1/bin/linux/amd64/kubectl.sha256"],
      update: {
        versions: { url: "https://dl.k8s.io/release/stable-{track}.txt", tag: "v{version}" },
        track: "1.37",
        checksums: { format: "sha256", url: "https://dl.k8s.io/release/v{version}/bin/linux/{arch}/kubectl.sha256" },
      },
    },
    yq: {
      version: "4.50.1",
      description: "YAML processor",
      homepage: "https://github.com/mikefarah/yq",
      url: "https://github.com/mikefarah/yq/releases/download/v{version}/yq_linux_{arch}",
      archNames: { amd64: "amd64", arm64: "aarch64" },
      sha256: { amd64: "c".repeat(64), arm64: "d".repeat(64) },
      archive: "binary",
      install: "/usr/local/bin/yq",
      versionCommand: ["yq", "--version"],
      versionPattern: "{version}",
      examples: ["yq . a.yaml"],
      sources: ["https://github.com/mikefarah/yq/releases/download/v4.50.1/checksums"],
      update: {
        versions: { github: "mikefarah/yq", tag: "v{version}" },
        checksums: {
          format: "yq",
          url: "https://github.com/mikefarah/yq/releases/download/v{version}/checksums",
          order: "https://github.com/mikefarah/yq/releases/download/v{version}/checksums_hashes_order",
        },
      },
    },
    openstack: {
      version: "7.4.0",
      source: "debian",
      package: "python3-openstackclient",
      description: "OpenStack CLI",
      homepage: "https://docs.openstack.org/",
      install: "/usr/bin/openstack",
      versionCommand: ["openstack", "--version"],
      versionPattern: "openstack {version}",
      examples: ["openstack token issue"],
      sources: ["https://packages.debian.org/trixie/python3-openstackclient"],
    },
  },
  debian: { packages: ["python3-openstackclient=7.4.0-3"] },
});
const { lock, problems } = parseLock(lockText, "packages/demo/tools.lock.json", "demo");
const source = { file: "packages/demo/tools.lock.json", lock: lock! };

const syftDoc = (): SpdxDocument => ({
  spdxVersion: "SPDX-2.3",
  SPDXID: "SPDXRef-DOCUMENT",
  name: "reg/ns/demo@sha256:1",
  documentNamespace: "https://anchore.com/syft/image/x",
  packages: [
    { name: "jq", SPDXID: "SPDXRef-Package-deb-jq-1", versionInfo: "1.6-2.1", downloadLocation: "NOASSERTION" },
    { name: "reg/ns/demo", SPDXID: "SPDXRef-DocumentRoot-Image-demo", downloadLocation: "NOASSERTION" },
  ],
  relationships: [{ spdxElementId: "SPDXRef-DOCUMENT", relationshipType: "DESCRIBES", relatedSpdxElement: "SPDXRef-DocumentRoot-Image-demo" }],
});

describe("SBOM enrichment from tools.lock.json", () => {
  it("parses the test lock", () => expect(problems).toEqual([]));

  it("lists each downloaded tool with its version, this arch's URL and sha256, and a generic purl", () => {
    const [kubectl, yq] = lockPackages(source, "arm64");
    expect(kubectl).toMatchObject({
      name: "kubectl",
      versionInfo: "1.37.1",
      downloadLocation: "https://dl.k8s.io/release/v1.37.1/bin/linux/arm64/kubectl",
      checksums: [{ algorithm: "SHA256", checksumValue: "b".repeat(64) }],
    });
    expect((kubectl!.externalRefs as { referenceLocator: string }[])[0]!.referenceLocator).toBe(
      `pkg:generic/kubectl@1.37.1?download_url=${encodeURIComponent("https://dl.k8s.io/release/v1.37.1/bin/linux/arm64/kubectl")}&checksum=sha256:${"b".repeat(64)}`,
    );
    // Upstream's own arch spelling, not ours.
    expect(yq!.downloadLocation).toBe("https://github.com/mikefarah/yq/releases/download/v4.50.1/yq_linux_aarch64");
    expect(lockPackages(source, "amd64")[0]!.checksums).toEqual([{ algorithm: "SHA256", checksumValue: "a".repeat(64) }]);
  });

  it("leaves Debian tools to the scanner (dpkg's database has them)", () => {
    expect(lockPackages(source, "amd64").map((p) => p.name)).toEqual(["kubectl", "yq"]);
  });

  it("adds the lock packages to syft's document, contained by the image root, keeping what syft found", () => {
    const out = enrichSbom(syftDoc(), [source], "amd64");
    expect(out.packages!.map((p) => p.name)).toEqual(["jq", "reg/ns/demo", "kubectl", "yq"]);
    expect(out.relationships).toContainEqual({
      spdxElementId: "SPDXRef-DocumentRoot-Image-demo",
      relationshipType: "CONTAINS",
      relatedSpdxElement: "SPDXRef-Package-tools-lock-demo-kubectl",
    });
    // Idempotent: enriching twice adds nothing.
    expect(enrichSbom(out, [source], "amd64").packages).toHaveLength(4);
  });

  it("refuses a document that is not SPDX 2.3 or describes nothing", () => {
    expect(() => enrichSbom({ ...syftDoc(), spdxVersion: "SPDX-2.2" }, [source], "amd64")).toThrow(/SPDX-2.2, expected SPDX-2.3/);
    expect(() => enrichSbom({ ...syftDoc(), relationships: [] }, [source], "amd64")).toThrow(/describes no package/);
  });
});

describe("the locks an image's SBOM draws on", () => {
  it("are its own and all its ancestors' (a child contains its parents' tools, up to toolbox-base)", () => {
    const ws = loadWorkspace(fileURLToPath(new URL("../../..", import.meta.url)));
    const locks = lockSources(ws, "tooling-k8s-aws");
    expect(locks.map((l) => l.file)).toEqual([
      "packages/toolbox-base/tools.lock.json",
      "packages/tooling-k8s/tools.lock.json",
      "packages/tooling-k8s-aws/tools.lock.json",
    ]);
    const names = locks.flatMap((l) => lockPackages(l, "arm64")).map((p) => p.name);
    expect(names).toContain("kubectl");
    expect(names).toContain("aws");
  });
});
