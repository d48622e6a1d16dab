import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { rejection } from "@image-tooling/test-support/rejection";
import { serveDownload, startUpstreamServer, type UpstreamServer } from "@image-tooling/test-support/upstream-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HelperDownloadError } from "../src/attest/download-helper.ts";
import { execTool, goToolBinary, goToolCachePath, GoToolUnavailable } from "@image-tooling/go-tool";
import { helperEntry, type HelperMode, type HelperTool } from "../src/attest/helper-lock.ts";
import { type InstallContext, installHelper } from "../src/attest/install-helper.ts";
import { COSIGN, helperLock, SYFT } from "../src/attest/tools.ts";
import { FetchError, Http } from "../src/http/index.ts";

/**
 * The download path of `npm run tools:attest` against a local HTTPS server
 * that STANDS IN for GitHub's release host (github.com), which this machine
 * cannot reach. The "release asset" it serves is a real cosign binary: the
 * Go build of the pinned version from node_modules/.cache (npm run
 * tools:attest builds it here), and the lock entry pins that binary's real
 * sha256, computed below, in place of upstream's.
 */
const sha256 = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");
const COSIGN_URL = "https://github.com/sigstore/cosign/releases/download/v3.1.3/cosign-linux-amd64";
const SYFT_URL = "https://github.com/anchore/syft/releases/download/v1.57.2/syft_1.57.2_linux_amd64.tar.gz";

let server: UpstreamServer;
let asset: Buffer;
let cosignEntry: HelperTool;
let scratch: string;

beforeAll(async () => {
  const built = goToolCachePath(COSIGN);
  if (!existsSync(built))
    throw new Error(`${built} is missing: this test serves the Go-built cosign as the release asset. Run \`npm run tools:attest\` first.`);
  asset = readFileSync(built);
  cosignEntry = { ...helperEntry(helperLock(), "cosign"), sha256: { amd64: sha256(asset), arm64: "0".repeat(64) } };
  server = await startUpstreamServer(["github.com", "objects.githubusercontent.com"]);
  scratch = mkdtempSync(join(tmpdir(), "helper-download-"));
});

afterAll(async () => {
  await server?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

function context(mode: HelperMode, over: Partial<InstallContext> = {}): InstallContext & { lines: string[] } {
  const lines: string[] = [];
  const root = mkdtempSync(join(scratch, "root-"));
  return {
    mode,
    root,
    env: { PATH: process.env.PATH },
    platform: "linux",
    arch: "amd64",
    http: new Http({ ca: server.ca, connectTo: server.connectTo, timeoutMs: 10_000 }),
    log: (l) => lines.push(l),
    lines,
    ...over,
  };
}

/** Nothing of a refused download is left: no binary, no origin record, no work directory. */
const slotContents = (root: string) => {
  const dir = dirname(goToolCachePath(COSIGN, root));
  return existsSync(dir) ? readdirSync(dir) : [];
};

describe("helper binaries from a stand-in for the upstream release host (github.com)", () => {
  it("downloads the pinned release binary, checks its sha256, and the pipeline runs exactly that file", async () => {
    serveDownload(server, COSIGN_URL, asset);
    const ctx = context("download");
    const before = server.requests.length;
    const installed = await installHelper("cosign", cosignEntry, COSIGN, ctx);
    expect(installed).toEqual({ bin: goToolCachePath(COSIGN, ctx.root), how: "downloaded" });
    expect(server.requests.slice(before).map((r) => r.url)).toEqual([
      COSIGN_URL,
      `https://objects.githubusercontent.com/assets${new URL(COSIGN_URL).pathname}`,
    ]);
    expect(sha256(readFileSync(installed.bin))).toBe(sha256(asset));
    const version = await execTool(installed.bin, ["version"], { PATH: process.env.PATH });
    expect(`${version.stdout}${version.stderr}`).toMatch(/GitVersion:\s+v3\.1\.3/);
    // What cosign.ts, syft.ts and the scans ask for is that very file: no build, no second download.
    expect(await goToolBinary(COSIGN, { root: ctx.root, env: { PATH: "/nonexistent" } })).toBe(installed.bin);

    const again = await installHelper("cosign", cosignEntry, COSIGN, { ...ctx, mode: "auto" });
    expect(again.how).toBe("verified earlier");
    expect(server.requests.length).toBe(before + 2);
  });

  it("refuses a tampered asset with one error naming tool, arch, URL and both hashes, and installs nothing", async () => {
    const tampered = Buffer.from(asset);
    tampered.writeUInt8(tampered.readUInt8(tampered.length - 1) ^ 0xff, tampered.length - 1);
    serveDownload(server, COSIGN_URL, tampered);
    for (const mode of ["download", "auto"] as const) {
      const ctx = context(mode);
      const e = await rejection(installHelper("cosign", cosignEntry, COSIGN, ctx), HelperDownloadError);
      expect(e.kind).toBe("checksum");
      expect(e.message).toBe(
        `cosign 3.1.3 (linux/amd64): the download from ${COSIGN_URL} has sha256 ${sha256(tampered)}, but libs/pipeline/helper-tools.lock.json pins ${sha256(asset)}. ` +
          "Nothing was installed. Compare both with upstream's checksum file (the lock's sources); HELPER_TOOLS=build compiles cosign from the Go module proxy instead.",
      );
      expect(slotContents(ctx.root)).toEqual([]);
    }
  });

  it("replaces a Go build in the slot when downloads are asked for, and keeps it in auto", async () => {
    serveDownload(server, COSIGN_URL, asset);
    const ctx = context("auto");
    const bin = goToolCachePath(COSIGN, ctx.root);
    mkdirSync(dirname(bin), { recursive: true });
    writeFileSync(bin, "#!/bin/sh\necho built\n");
    chmodSync(bin, 0o755);
    expect(await installHelper("cosign", cosignEntry, COSIGN, ctx)).toMatchObject({ how: "built earlier" });
    expect(await installHelper("cosign", cosignEntry, COSIGN, { ...ctx, mode: "download" })).toMatchObject({ how: "downloaded" });
    expect(sha256(readFileSync(bin))).toBe(sha256(asset));
  });

  it("unpacks only the member of a verified tar.gz", async () => {
    const dir = mkdtempSync(join(scratch, "tar-"));
    writeFileSync(join(dir, "syft"), "#!/bin/sh\necho syft 1.57.2\n");
    chmodSync(join(dir, "syft"), 0o755);
    writeFileSync(join(dir, "README.md"), "not installed\n");
    execFileSync("tar", ["-czf", join(dir, "syft.tar.gz"), "-C", dir, "syft", "README.md"]);
    const tgz = readFileSync(join(dir, "syft.tar.gz"));
    serveDownload(server, SYFT_URL, tgz);
    const entry: HelperTool = { ...helperEntry(helperLock(), "syft"), sha256: { amd64: sha256(tgz), arm64: "0".repeat(64) } };
    const ctx = context("download");
    const installed = await installHelper("syft", entry, SYFT, ctx);
    expect(installed.how).toBe("downloaded");
    expect(execFileSync(installed.bin).toString()).toBe("syft 1.57.2\n");
    expect(readdirSync(dirname(installed.bin)).sort()).toEqual(["syft", "syft.origin.json"]);
  });

  it("auto builds with Go when the release host cannot be reached, and says why", async () => {
    const ctx = context("auto", {
      // Nothing listens on port 9 of the loopback: connection refused, like a host we cannot reach.
      http: new Http({ ca: server.ca, connectTo: () => ({ host: "127.0.0.1", port: 9 }), timeoutMs: 2_000 }),
      // No Go on PATH: the build it falls back to stops with its own clear error instead of compiling here.
      env: { PATH: "/nonexistent" },
    });
    await rejection(installHelper("cosign", cosignEntry, COSIGN, ctx), GoToolUnavailable);
    expect(ctx.lines[0]).toBe("cosign 3.1.3: HELPER_TOOLS=auto: cannot reach github.com (connection refused); building it with Go");
  });

  it("download stops when the release host cannot be reached, naming the tool and the way out", async () => {
    const ctx = context("download", { http: new Http({ ca: server.ca, connectTo: () => ({ host: "127.0.0.1", port: 9 }), timeoutMs: 2_000 }) });
    const e = await rejection(installHelper("cosign", cosignEntry, COSIGN, ctx), FetchError);
    expect(e.message).toBe(
      "cosign 3.1.3 (linux/amd64): cannot reach github.com (connection refused). HELPER_TOOLS=build compiles it from the Go module proxy instead.",
    );
    expect(slotContents(ctx.root)).toEqual([]);
  });
});
