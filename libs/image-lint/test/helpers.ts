import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { INSTALL_ROOT } from "@image-tooling/cli-support";
import { WORKSPACE_GRAPH, WORKSPACE_IMAGES, WORKSPACE_PACKAGES } from "@image-tooling/test-support/workspace-images";

export const WORKSPACE = INSTALL_ROOT;
/** The workspace's image packages, read from packages/ (never a hard-coded list). */
export const PACKAGES = WORKSPACE_PACKAGES;
export const IMAGES = WORKSPACE_IMAGES;
export const GRAPH = WORKSPACE_GRAPH;
export const readPackageFile = (image: string, file: string): string => readFileSync(resolve(WORKSPACE, "packages", image, file), "utf8");

export const SHA_A = "a".repeat(64);
export const SHA_B = "b".repeat(64);

/** A minimal valid download tool; tests break one field at a time. */
export const validTool = (): Record<string, unknown> => ({
  version: "1.2.3",
  description: "A tool",
  homepage: "https://example.com/",
  url: "https://example.com/releases/v{version}/tool-linux-{arch}.tar.gz",
  sha256: { amd64: SHA_A, arm64: SHA_B },
  archive: "tar.gz",
  member: "tool",
  install: "/usr/local/bin/tool",
  versionCommand: ["tool", "--version"],
  versionPattern: "tool v{version}",
  examples: ["tool do-something"],
  sources: ["https://example.com/releases/v1.2.3/checksums.txt"],
  update: {
    versions: { github: "example/tool", tag: "v{version}" },
    checksums: { format: "sha256sum", url: "https://example.com/releases/v{version}/checksums.txt" },
  },
});

export const lockText = (tools: Record<string, unknown>, extra: Record<string, unknown> = {}, image = "demo"): string =>
  JSON.stringify({ image, tools, debian: { packages: ["bash"], commands: {} }, ...extra });
