import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { type JsonBlob, type Layer, MediaType } from "@image-tooling/oci-registry";
import { HarnessError } from "./errors.ts";

/** Content-addressed blobs (OCI layout style) under the cache dir. */
export class BlobStore {
  constructor(readonly root: string) {}

  path(digest: string): string {
    const [alg, hex] = digest.split(":");
    return path.join(this.root, "blobs", alg!, hex!);
  }

  has(digest: string): boolean {
    return existsSync(this.path(digest));
  }

  putJson(blob: JsonBlob): void {
    const target = this.path(blob.descriptor.digest);
    if (existsSync(target)) return;
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(`${target}.tmp`, blob.bytes);
    renameSync(`${target}.tmp`, target);
  }

  /**
   * Tars `dir` (numeric owners, sorted, no atime/ctime, xattrs such as file
   * capabilities kept) into a gzip layer blob, hashing the tar stream for the
   * diff_id and the compressed stream for the digest in one pass.
   */
  async layerFromDir(dir: string, createdBy: string): Promise<Layer> {
    const entries = readdirSync(dir).sort();
    if (entries.length === 0) throw new Error(`refusing to make an empty layer from ${dir}`);
    const tmpDir = path.join(this.root, "tmp");
    mkdirSync(tmpDir, { recursive: true });
    const tmp = path.join(tmpDir, `layer-${process.pid}-${Date.now()}.tar.gz`);
    const tar = spawn(
      "tar",
      [
        "--create",
        "--file=-",
        `--directory=${dir}`,
        "--sort=name",
        "--numeric-owner",
        "--format=posix",
        "--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime",
        "--xattrs",
        "--xattrs-include=security.capability",
        "--",
        ...entries,
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let stderr = "";
    tar.stderr.on("data", (d) => {
      stderr += String(d);
    });
    const exited = new Promise<number>((resolve) => tar.on("close", (code) => resolve(code ?? 1)));
    const diff = createHash("sha256");
    const compressed = createHash("sha256");
    const tap = (hash: ReturnType<typeof createHash>) =>
      new Transform({
        transform(chunk: Buffer, _enc, cb) {
          hash.update(chunk);
          cb(null, chunk);
        },
      });
    await pipeline(tar.stdout, tap(diff), createGzip({ level: 6 }), tap(compressed), createWriteStream(tmp));
    const code = await exited;
    if (code !== 0) {
      rmSync(tmp, { force: true });
      throw new HarnessError(`tar of ${dir} failed (exit ${code}): ${stderr.trim()}`, "check free disk space and the directory's permissions");
    }
    const digest = `sha256:${compressed.digest("hex")}`;
    const target = this.path(digest);
    mkdirSync(path.dirname(target), { recursive: true });
    renameSync(tmp, target);
    return {
      blob: { mediaType: MediaType.ociLayerGzip, digest, size: statSync(target).size },
      diffId: `sha256:${diff.digest("hex")}`,
      createdBy,
    };
  }
}
