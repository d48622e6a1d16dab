import { TempWorkspace } from "@image-tooling/test-support/temp-workspace";
import { startUpstreamServer, type UpstreamServer } from "@image-tooling/test-support/upstream-server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { cli } from "../src/cli.ts";
import { artifact, githubReleases, UPSTREAM_HOSTS } from "./support/stand-ins.ts";

// The pipeline's helper lock (libs/pipeline/helper-tools.lock.json) kept by
// the same updater as the images' locks, against a local HTTPS server
// standing in for GitHub's API and release host.
const LOCK = "libs/pipeline/helper-tools.lock.json";
let up: UpstreamServer;
let ws: TempWorkspace;

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await cli(args, {
    root: ws.root,
    env: {},
    http: { ca: up.ca, connectTo: up.connectTo, timeoutMs: 5_000 },
    today: "2026-12-05",
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
  });
  return { code, out, err };
}

type Entry = { version: string; sha256?: { amd64: string; arm64: string }; sources: string[] };
const lock = () => JSON.parse(ws.read(LOCK)) as { tools: Record<string, Entry> };

/** Upstream with a newer cosign on track 3, syft at the pinned 1.57.2, and grype's 0.122 off its 0.121 track. */
function serveHelperReleases(): Record<string, { amd64: string; arm64: string }> {
  githubReleases(up, "sigstore/cosign", [{ tag: "v4.0.0" }, { tag: "v3.2.0" }, { tag: "v3.1.3" }]);
  const base = "https://github.com/sigstore/cosign/releases/download/v3.2.0";
  const cosign = {
    amd64: artifact(up, `${base}/cosign-linux-amd64`, "cosign 3.2.0 amd64"),
    arm64: artifact(up, `${base}/cosign-linux-arm64`, "cosign 3.2.0 arm64"),
  };
  artifact(
    up,
    `${base}/cosign_checksums.txt`,
    `${"1".repeat(64)}  cosign-darwin-arm64\n${cosign.amd64}  cosign-linux-amd64\n${cosign.arm64}  cosign-linux-arm64\n`,
  );

  githubReleases(up, "anchore/syft", [{ tag: "v1.57.2" }, { tag: "v1.57.1" }]);
  const s = "https://github.com/anchore/syft/releases/download/v1.57.2";
  const syft = {
    amd64: artifact(up, `${s}/syft_1.57.2_linux_amd64.tar.gz`, "syft 1.57.2 amd64"),
    arm64: artifact(up, `${s}/syft_1.57.2_linux_arm64.tar.gz`, "syft 1.57.2 arm64"),
  };
  artifact(up, `${s}/syft_1.57.2_checksums.txt`, `${syft.amd64}  syft_1.57.2_linux_amd64.tar.gz\n${syft.arm64}  syft_1.57.2_linux_arm64.tar.gz\n`);

  githubReleases(up, "anchore/grype", [{ tag: "v0.122.0" }, { tag: "v0.121.3" }]);
  const g = "https://github.com/anchore/grype/releases/download/v0.121.3";
  const grype = {
    amd64: artifact(up, `${g}/grype_0.121.3_linux_amd64.tar.gz`, "grype 0.121.3 amd64"),
    arm64: artifact(up, `${g}/grype_0.121.3_linux_arm64.tar.gz`, "grype 0.121.3 arm64"),
  };
  artifact(up, `${g}/grype_0.121.3_checksums.txt`, `${grype.amd64}  grype_0.121.3_linux_amd64.tar.gz\n${grype.arm64}  grype_0.121.3_linux_arm64.tar.gz\n`);
  return { cosign, syft, grype };
}

beforeAll(async () => {
  up = await startUpstreamServer(UPSTREAM_HOSTS);
  ws = TempWorkspace.create({ withPackages: false });
});
afterAll(async () => {
  ws?.dispose();
  await up?.close();
});

describe("tools:update --helpers: the pipeline's helper-binary lock", () => {
  let n = 0;
  beforeEach(() => ws.branchFromMain(`helpers-${++n}`));

  it("--check says which helper is behind and which has no download pinned yet, and writes nothing", async () => {
    serveHelperReleases();
    const r = await run(["--check", "--helpers"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/pipeline-helpers +cosign +3\.1\.3 +3\.2\.0 +4\.0\.0 +behind/);
    expect(r.out).toMatch(/pipeline-helpers +syft +1\.57\.2 \(no download pinned\) +1\.57\.2 +1\.57\.2 +download not pinned yet/);
    expect(r.out).toMatch(/pipeline-helpers +grype +0\.121\.3 \(no download pinned\) +0\.121\.3 +0\.122\.0 +download not pinned yet/);
    expect(ws.git("status", "--porcelain")).toBe("");
  });

  it("moves cosign on its track and pins syft's and grype's downloads at their versions from upstream's checksum files; no changeset", async () => {
    const hashes = serveHelperReleases();
    const before = lock();
    const r = await run(["--helpers", "--summary", "summary.md"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const after = lock();
    expect(after.tools.cosign).toEqual({
      ...before.tools.cosign,
      version: "3.2.0",
      sha256: hashes.cosign,
      sources: ["https://github.com/sigstore/cosign/releases/download/v3.2.0/cosign_checksums.txt", "https://github.com/sigstore/cosign/releases/tag/v3.2.0"],
    });
    expect(after.tools.syft).toEqual({
      ...before.tools.syft,
      sha256: hashes.syft,
      sources: ["https://github.com/anchore/syft/releases/download/v1.57.2/syft_1.57.2_checksums.txt", "https://github.com/anchore/syft/releases/tag/v1.57.2"],
    });
    expect(after.tools.grype).toMatchObject({ version: "0.121.3", sha256: hashes.grype });
    expect(r.out).toMatch(/pipeline-helpers +syft +.* +pinned the download of 1\.57\.2/);
    expect(r.out).toContain(`wrote ${LOCK}\n`);
    // A helper is no image: nothing to release, so no changeset and no generated docs.
    const status = ws.git("status", "--porcelain", "--untracked-files=all").split("\n");
    expect(status.map((l) => l.trim()).sort()).toEqual(["?? summary.md", `M ${LOCK}`]);
    expect(ws.read("summary.md")).toContain("### pipeline-helpers");

    // Complete now: a second run finds nothing to do.
    ws.commitAll("helpers updated");
    const again = await run(["--helpers"]);
    expect(again.code).toBe(0);
    expect(ws.git("status", "--porcelain")).toBe("");
  });

  it("a helper whose download does not match upstream's checksum file is left as it was", async () => {
    serveHelperReleases();
    artifact(up, "https://github.com/anchore/syft/releases/download/v1.57.2/syft_1.57.2_linux_arm64.tar.gz", "something else");
    const before = lock();
    const r = await run(["--helpers", "--tool", "syft"]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /^error: pipeline-helpers syft: arm64: https:\/\/github\.com\/anchore\/syft\/releases\/download\/v1\.57\.2\/syft_1\.57\.2_linux_arm64\.tar\.gz has sha256 [0-9a-f]{64}, but upstream's checksums say [0-9a-f]{64}; not updating\n$/,
    );
    expect(lock()).toEqual(before);
  });
});
