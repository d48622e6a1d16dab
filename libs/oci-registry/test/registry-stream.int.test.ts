import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BlobSource, RegistryClient } from "../src/client.ts";
import { RegistryError } from "../src/errors.ts";
import { sha256Digest } from "../src/media.ts";
import { fileBlob } from "../src/push-image.ts";
import { startTestRegistry, type TestRegistry } from "@image-tooling/test-support/registry-server";

const MiB = 1 << 20;
const BLOB_SIZE = 64 * MiB;

/**
 * 64 MiB made on the fly, 1 MiB at a time, from eight fixed chunks: the source
 * allocates nothing while it runs, so what the process's memory does is what
 * the client does with the bytes.
 */
function chunkSet(seed: Buffer): Buffer[] {
  return Array.from({ length: 8 }, (_, slot) => {
    const chunk = Buffer.alloc(MiB);
    for (let off = 0; off < MiB; off += seed.length) seed.copy(chunk, off);
    chunk.writeUInt32BE(slot, 0);
    return chunk;
  });
}

function* generated(chunks: Buffer[]): Generator<Buffer> {
  for (let i = 0; i < BLOB_SIZE / MiB; i++) yield chunks[i % chunks.length]!;
}

/** A sink that keeps only a running sha256 and a byte count. */
function hashingSink(): Writable & { digest(): string; size: number } {
  const hash = createHash("sha256");
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      sink.size += chunk.length;
      done();
    },
  }) as Writable & { digest(): string; size: number };
  sink.size = 0;
  sink.digest = () => `sha256:${hash.digest("hex")}`;
  return sink;
}

// Garbage (chunks already sent or written) is freed when V8 gets round to
// it, which for external memory can be after tens of MB; collecting at every
// sample makes the peak measure what the client actually holds on to.
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/**
 * Peak RSS above the level at the start while `work` runs, sampled every
 * 20 ms; with `collect`, after a full garbage collection at each sample.
 */
async function peakRssGrowth<T>(work: () => Promise<T>, collect: boolean): Promise<{ result: T; growth: number; peak: number }> {
  gc();
  const start = process.memoryUsage().rss;
  let peak = start;
  const timer = setInterval(() => {
    if (collect) gc();
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, growth: peak - start, peak };
  } finally {
    clearInterval(timer);
  }
}

const mib = (n: number): string => (n / MiB).toFixed(1);

describe("RegistryClient streams big blobs through a real docker-registry", () => {
  let registry: TestRegistry;
  let client: RegistryClient;
  const tmp = mkdtempSync(join(tmpdir(), "registry-stream-"));
  const seed = chunkSet(randomBytes(4096));
  let digest: string;

  beforeAll(async () => {
    registry = await startTestRegistry();
    client = new RegistryClient({ registry: registry.host, timeoutMs: 10_000 });
    const hash = createHash("sha256");
    for (const chunk of generated(seed)) hash.update(chunk);
    digest = `sha256:${hash.digest("hex")}`;
  });
  /** The generated blob as a BlobSource that counts how often it is read. */
  function countingSource(): BlobSource & { opened: number } {
    const source = {
      digest,
      size: BLOB_SIZE,
      opened: 0,
      open: () => {
        source.opened++;
        return generated(seed);
      },
    };
    return source;
  }

  afterAll(async () => {
    await registry?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it("uploads 64 MiB from a generator and reads it back with memory far below the blob's size", async () => {
    const source = countingSource();
    // Once as the process runs normally (for the record), then sampled after collections (the assertion).
    const sink0 = hashingSink();
    const upRaw = await peakRssGrowth(() => client.pushBlob("stream/raw", source), false);
    const downRaw = await peakRssGrowth(() => client.pullBlob("stream/raw", digest, sink0), false);
    const up = await peakRssGrowth(() => client.pushBlob("stream/big", source), true);
    expect(up.result).toEqual({ digest, size: BLOB_SIZE });
    expect(source.opened).toBe(2);
    expect(await client.blobExists("stream/big", digest)).toBe(true);

    const sink = hashingSink();
    const down = await peakRssGrowth(() => client.pullBlob("stream/big", digest, sink), true);
    expect(down.result).toBe(BLOB_SIZE);
    expect(sink.size).toBe(BLOB_SIZE);
    expect(sink.digest()).toBe(digest);
    expect(sink0.digest()).toBe(digest);

    process.stdout.write(
      `64 MiB blob, RSS growth: push ${mib(upRaw.growth)} MiB (peak ${mib(upRaw.peak)} MiB), pull ${mib(downRaw.growth)} MiB (peak ${mib(downRaw.peak)} MiB); ` +
        `sampled after GC: push ${mib(up.growth)} MiB, pull ${mib(down.growth)} MiB\n`,
    );
    expect(up.growth).toBeLessThan(BLOB_SIZE / 8);
    expect(down.growth).toBeLessThan(BLOB_SIZE / 8);

    // Present already: HEAD answers, nothing is read again.
    expect(await client.pushBlob("stream/big", source)).toEqual({ digest, size: BLOB_SIZE });
    expect(source.opened).toBe(2);
  });

  it("uploads a layer file from a store and pulls it into a file", async () => {
    const file = join(tmp, "layer.bin");
    await pipeline(generated(seed), createWriteStream(file));
    const copy = join(tmp, "copy.bin");
    expect(await client.pushBlob("stream/file", fileBlob(file, digest))).toEqual({ digest, size: BLOB_SIZE });
    expect(await client.pullBlob("stream/file", digest, createWriteStream(copy))).toBe(BLOB_SIZE);
    const check = hashingSink();
    await pipeline(createReadStream(copy), check);
    expect(check.digest()).toBe(digest);
  });

  it("mounts a blob from another repository instead of sending it again", async () => {
    const source = countingSource();
    expect(await client.pushBlob("stream/mounted", source, { mountFrom: "stream/file" })).toEqual({ digest, size: BLOB_SIZE });
    expect(source.opened).toBe(0);
    expect(await client.blobExists("stream/mounted", digest)).toBe(true);
  });

  it("reports content that does not match its digest, in the registry's words", async () => {
    const wrong = `sha256:${"a".repeat(64)}`;
    const source: BlobSource = {
      digest: wrong,
      size: 5,
      open: () =>
        (async function* () {
          yield Buffer.from("hello");
        })(),
    };
    const e = await client.pushBlob("stream/wrong", source).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(RegistryError);
    expect((e as RegistryError).message).toMatch(
      new RegExp(`^registry ${registry.host} answered HTTP 400 \\(DIGEST_INVALID: .*\\) while uploading blob ${wrong} to ${registry.host}/stream/wrong$`),
    );
    expect(await client.blobExists("stream/wrong", wrong)).toBe(false);
  });

  it("says so when the content to upload cannot be read", async () => {
    const failing: BlobSource = {
      digest: `sha256:${"c".repeat(64)}`,
      size: 2 * MiB,
      open: () =>
        (async function* () {
          yield Buffer.alloc(MiB);
          throw new Error("disk went away");
        })(),
    };
    const err = await client.pushBlob("stream/gone", failing).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as RegistryError).message).toMatch(
      /^reading what to send in PUT \/v2\/stream\/gone\/blobs\/uploads\/\S+ to registry \S+ failed: disk went away$/,
    );
  });
});

// A server that is not a registry but answers like a misbehaving one: the
// client's own checks on a streamed download, which a real registry never trips.
describe("pullBlob against a misbehaving server", () => {
  const digest = sha256Digest("the real content");
  let server: Server;
  let host: string;
  let behaviour: (res: ServerResponse) => void;

  beforeAll(async () => {
    server = createServer((req, res) => (req.url === `/v2/team/app/blobs/${digest}` ? behaviour(res) : res.writeHead(404).end()));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  async function pullError(timeoutMs = 5000): Promise<RegistryError> {
    const e = await new RegistryClient({ registry: host, timeoutMs, retry: { retries: 0 } }).pullBlob("team/app", digest, hashingSink()).then(
      () => undefined,
      (err: unknown) => err,
    );
    if (!(e instanceof RegistryError)) throw new Error(`expected a RegistryError, got ${String(e)}`);
    return e;
  }

  it("refuses content that does not match the digest asked for", async () => {
    behaviour = (res) => res.writeHead(200, { "content-type": "application/octet-stream" }).end("other content");
    const e = await pullError();
    expect(e.kind).toBe("protocol");
    expect(e.message).toBe(`registry ${host} returned blob content that does not match ${digest}`);
  });

  it("gives up on a body that stops arriving, after the deadline of silence", async () => {
    behaviour = (res) => {
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": "1000" });
      res.write("the first bytes");
    };
    const e = await pullError(300);
    expect(e.kind).toBe("unreachable");
    expect(e.message).toBe(
      `registry ${host} did not finish sending the answer to GET /v2/team/app/blobs/${digest} within 300 ms: is it running? check IMAGE_REGISTRY`,
    );
  });
});
