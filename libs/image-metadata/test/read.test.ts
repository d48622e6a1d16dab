import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ImageMetadataError, loadImageGraph, readImagePackages } from "../src/index.ts";

import { INSTALL_ROOT } from "@image-tooling/cli-support";

describe("readImagePackages / loadImageGraph", () => {
  const ws = mkdtempSync(join(tmpdir(), "image-packages-"));
  afterAll(() => rmSync(ws, { recursive: true, force: true }));
  cpSync(join(INSTALL_ROOT, "packages/toolbox-base"), join(ws, "packages/toolbox-base"), { recursive: true });
  mkdirSync(join(ws, "packages/broken"), { recursive: true });
  writeFileSync(join(ws, "packages/broken/image.yaml"), "name: [\n");

  it("reads the workspace's packages and orders them parents first", () => {
    const graph = loadImageGraph(INSTALL_ROOT);
    expect(graph.order[0]).toBe("toolbox-base");
    expect(graph.images.get("tooling-k8s-aws")?.metadata.parent).toBe("tooling-k8s");
  });

  it("throws on a broken package, or hands it over and reads the rest", () => {
    expect(() => readImagePackages(ws)).toThrow(ImageMetadataError);
    const unreadable: string[] = [];
    expect(readImagePackages(ws, (root) => unreadable.push(root)).map((p) => p.name)).toEqual(["toolbox-base"]);
    expect(unreadable).toEqual(["packages/broken"]);
  });
});
