import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { writeGenerated } from "../src/write-generated.ts";

const WORKSPACE = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

describe("image-docs writeGenerated", () => {
  let ws: string;
  afterEach(() => rmSync(ws, { recursive: true, force: true }));

  it("writes nothing on the committed workspace: everything is current", () => {
    ws = mkdtempSync(join(tmpdir(), "image-docs-"));
    cpSync(join(WORKSPACE, "packages"), join(ws, "packages"), { recursive: true });
    const r = writeGenerated(ws);
    expect(r.problems).toEqual([]);
    expect(r.written).toEqual([]);
    expect(r.unchanged.length).toBeGreaterThan(20);
  });

  it("rewrites what a lock change touches, in the image and its children, and is idempotent", () => {
    ws = mkdtempSync(join(tmpdir(), "image-docs-"));
    cpSync(join(WORKSPACE, "packages"), join(ws, "packages"), { recursive: true });
    const lock = join(ws, "packages/tooling-k8s/tools.lock.json");
    writeFileSync(lock, readFileSync(lock, "utf8").replace('"version": "4.3.0"', '"version": "4.3.1"'));

    const first = writeGenerated(ws);
    expect(first.problems).toEqual([]);
    expect(first.written).toEqual(
      expect.arrayContaining([
        "packages/tooling-k8s/README.md",
        "packages/tooling-k8s/Dockerfile",
        "packages/tooling-k8s/smoke.yaml",
        "packages/tooling-k8s/rootfs/usr/local/share/toolbox/1-tooling-k8s.tsv",
        "packages/tooling-k8s-aws/Dockerfile",
        "packages/tooling-k8s-aws/README.md",
      ]),
    );
    expect(first.written.filter((f) => /packages\/(buildx|pandoc|toolbox-base)\//.test(f))).toEqual([]);
    expect(readFileSync(join(ws, "packages/tooling-k8s/smoke.yaml"), "utf8")).toContain('output: "(?<!\\\\S)(?:v4\\\\.3\\\\.1(?![.~-]?\\\\w))"');
    expect(writeGenerated(ws).written).toEqual([]);
  });

  it("names an unknown image", () => {
    ws = mkdtempSync(join(tmpdir(), "image-docs-"));
    cpSync(join(WORKSPACE, "packages"), join(ws, "packages"), { recursive: true });
    expect(writeGenerated(ws, ["nope"]).problems).toEqual([expect.objectContaining({ image: "nope", message: "is not an image package" })]);
  });
});
