import { createHash } from "node:crypto";
import { chmodSync, lutimesSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { execFileSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { BlobStore } from "../src/blobstore.ts";

// Real GNU tar: the layer must be reproducible (a warm provision pushes the
// same digests) and its diff_id must be the digest of the uncompressed tar.
const tmp = mkdtempSync(path.join(os.tmpdir(), "blobstore-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function tree(): string {
  const dir = mkdtempSync(path.join(tmp, "tree-"));
  mkdirSync(path.join(dir, "usr/bin"), { recursive: true });
  writeFileSync(path.join(dir, "usr/bin/tool"), "#!/bin/sh\necho hi\n");
  chmodSync(path.join(dir, "usr/bin/tool"), 0o755);
  symlinkSync("tool", path.join(dir, "usr/bin/alias"));
  writeFileSync(path.join(dir, "etc"), "x");
  lutimesSync(path.join(dir, "usr/bin/alias"), 1_700_000_000, 1_700_000_000);
  for (const p of ["usr/bin/tool", "etc", "usr/bin", "usr"]) utimesSync(path.join(dir, p), 1_700_000_000, 1_700_000_000);
  return dir;
}

describe("BlobStore.layerFromDir", () => {
  const store = new BlobStore(path.join(tmp, "store"));

  it("stores a gzip layer under its digest, with the tar's digest as diff_id", async () => {
    const layer = await store.layerFromDir(tree(), "test");
    const bytes = readFileSync(store.path(layer.blob.digest));
    expect(layer.blob.digest).toBe(`sha256:${createHash("sha256").update(bytes).digest("hex")}`);
    expect(layer.blob.size).toBe(bytes.length);
    expect(layer.diffId).toBe(`sha256:${createHash("sha256").update(gunzipSync(bytes)).digest("hex")}`);
    const listing = execFileSync("tar", ["-tvzf", store.path(layer.blob.digest)]).toString();
    expect(listing).toMatch(/usr\/bin\/alias -> tool/);
    expect(listing).toMatch(/-rwxr-xr-x .*usr\/bin\/tool/);
    expect(listing).not.toMatch(/\.\//);
  });

  it("gives identical content the identical digest", async () => {
    const a = await store.layerFromDir(tree(), "a");
    const b = await store.layerFromDir(tree(), "b");
    expect(b.blob.digest).toBe(a.blob.digest);
    expect(b.diffId).toBe(a.diffId);
  });

  it("refuses an empty directory", async () => {
    await expect(store.layerFromDir(mkdtempSync(path.join(tmp, "empty-")), "x")).rejects.toThrow(/empty layer/);
  });
});
