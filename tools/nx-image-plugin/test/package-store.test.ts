import { mkdtempSync, rmSync, writeFileSync, mkdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ImagePackage } from "@image-tooling/image-metadata";
import { packageStoreIn } from "../src/package-store.ts";

// The plugin's cache across Nx commands: what it serves and when it refuses.
describe("package store", () => {
  let ws: string;
  let data: string;
  const pkg = {
    name: "demo",
    root: "packages/demo",
    version: "1.0.0",
    dependencies: {},
    metadata: { name: "demo", description: "d", platforms: ["linux/amd64"], dockerfile: "Dockerfile", smoke: "smoke.yaml" },
    files: {
      metadata: "packages/demo/image.yaml",
      packageJson: "packages/demo/package.json",
      dockerfile: "packages/demo/Dockerfile",
      smoke: "packages/demo/smoke.yaml",
    },
  } as unknown as ImagePackage;
  const write = (rel: string, text: string) => writeFileSync(join(ws, "packages/demo", rel), text);

  beforeEach(() => {
    ws = mkdtempSync(join(tmpdir(), "store-ws-"));
    data = join(ws, ".nx", "workspace-data");
    mkdirSync(join(ws, "packages/demo"), { recursive: true });
    for (const [f, t] of Object.entries({ "image.yaml": "name: demo\n", "package.json": "{}", Dockerfile: "FROM x\n", "smoke.yaml": "checks: []\n" }))
      write(f, t);
  });
  afterEach(() => rmSync(ws, { recursive: true, force: true }));

  const saved = () => {
    const store = packageStoreIn(data, "build-1");
    store.put(ws, pkg);
    store.save();
  };

  it("serves a package to the next command while none of the files its parse read changed", () => {
    saved();
    expect(packageStoreIn(data, "build-1").get(ws, "packages/demo")).toEqual(pkg);
  });

  it("a package put through the parse's own reader is served: its digest is of the same text the next command reads", () => {
    const seen: string[] = [];
    const store = packageStoreIn(data, "build-1");
    store.put(ws, pkg, (path) => {
      seen.push(path);
      return readFileSync(path, "utf8");
    });
    store.save();
    expect(seen).toHaveLength(4);
    expect(packageStoreIn(data, "build-1").get(ws, "packages/demo")).toEqual(pkg);
  });

  it("a put whose reader saw other text than the disk now holds is a miss, never a stale hit", () => {
    const store = packageStoreIn(data, "build-1");
    store.put(ws, pkg, (path) => (path.endsWith("Dockerfile") ? "FROM z\n" : readFileSync(path, "utf8")));
    store.save();
    expect(packageStoreIn(data, "build-1").get(ws, "packages/demo")).toBeUndefined();
  });

  it.each([
    ["image.yaml", "name: demo\ndescription: changed\n"],
    ["package.json", '{"version":"1.0.1"}'],
    ["Dockerfile", "FROM y\n"],
    ["smoke.yaml", "checks: [{}]\n"],
  ])("never serves it stale: a change to %s is a miss", (file, text) => {
    saved();
    write(file, text);
    expect(packageStoreIn(data, "build-1").get(ws, "packages/demo")).toBeUndefined();
  });

  it("a smoke spec that disappeared is a miss (the parse would now fail)", () => {
    saved();
    rmSync(join(ws, "packages/demo/smoke.yaml"));
    expect(packageStoreIn(data, "build-1").get(ws, "packages/demo")).toBeUndefined();
  });

  it("belongs to one build of the plugin: another build starts empty", () => {
    saved();
    expect(packageStoreIn(data, "build-2").get(ws, "packages/demo")).toBeUndefined();
  });

  it("an unreadable store is an empty one, and nothing is written when nothing was added", () => {
    mkdirSync(data, { recursive: true });
    writeFileSync(join(data, "image-plugin-packages.json"), "{not json");
    const store = packageStoreIn(data, "build-1");
    expect(store.get(ws, "packages/demo")).toBeUndefined();
    store.save();
    expect(readFileSync(join(data, "image-plugin-packages.json"), "utf8")).toBe("{not json");
  });
});
