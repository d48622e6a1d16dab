import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, resolve } from "node:path";
import { findImagePackageRoots, readImagePackage, type ImagePackage } from "@image-tooling/image-metadata";

export const WORKSPACE = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
/** The workspace's image packages, read from packages/ (never a hard-coded list). */
export const PACKAGES: ImagePackage[] = findImagePackageRoots(WORKSPACE).map((root) => readImagePackage(WORKSPACE, root));
export const IMAGES: string[] = PACKAGES.map((p) => p.name);
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
