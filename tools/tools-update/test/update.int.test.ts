import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { TempWorkspace } from "@image-tooling/test-support/temp-workspace";
import { cli } from "../src/cli.ts";
import { startUpstreamServer, type UpstreamServer } from "@image-tooling/test-support/upstream-server";
import { UPSTREAM_HOSTS, artifact, githubReleases, githubTags, sha256 } from "./support/stand-ins.ts";

// GitHub's API and the tools' download hosts cannot be reached from our
// machines: a local HTTPS server with its own CA stands in for them, in a
// real temporary git workspace holding a copy of this repository's images.
const TODAY = "2026-12-03";
let up: UpstreamServer;
let ws: TempWorkspace;

async function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await cli(args, {
    root: ws.root,
    env,
    http: { ca: up.ca, connectTo: up.connectTo, timeoutMs: 5_000 },
    today: TODAY,
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
  });
  return { code, out, err };
}

const lockOf = (image: string): string => ws.read(`packages/${image}/tools.lock.json`);
type LockJson = { tools: Record<string, Record<string, unknown>> };

/** Upstream as it looks when each of these tools has a newer release, in every checksum format. */
function serveNewReleases(): Record<string, { amd64: string; arm64: string }> {
  const hashes: Record<string, { amd64: string; arm64: string }> = {};
  // kubectl: versions from dl.k8s.io's stable-1.37.txt, single-hash .sha256 files.
  up.route("https://dl.k8s.io/release/stable-1.37.txt", "v1.37.3\n");
  up.route("https://dl.k8s.io/release/stable.txt", "v1.38.0\n");
  hashes.kubectl = { amd64: "", arm64: "" };
  for (const arch of ["amd64", "arm64"] as const) {
    const h = artifact(up, `https://dl.k8s.io/release/v1.37.3/bin/linux/${arch}/kubectl`, `kubectl 1.37.3 ${arch}`);
    up.route(`https://dl.k8s.io/release/v1.37.3/bin/linux/${arch}/kubectl.sha256`, h);
    hashes.kubectl[arch] = h;
  }
  // helm: GitHub releases (a pre-release, a draft and a new major are not taken), per-arch sha256sum files.
  githubReleases(up, "helm/helm", [
    { tag: "v5.0.0" },
    { tag: "v4.5.0", draft: true },
    { tag: "v4.4.1-rc.1", prerelease: true },
    { tag: "v4.4.0" },
    { tag: "v4.3.0" },
  ]);
  hashes.helm = { amd64: "", arm64: "" };
  for (const arch of ["amd64", "arm64"] as const) {
    const h = artifact(up, `https://get.helm.sh/helm-v4.4.0-linux-${arch}.tar.gz`, `helm 4.4.0 ${arch}`);
    up.route(`https://get.helm.sh/helm-v4.4.0-linux-${arch}.tar.gz.sha256sum`, `${h}  helm-v4.4.0-linux-${arch}.tar.gz\n`);
    hashes.helm[arch] = h;
  }
  // yq: multi-hash `checksums` with `checksums_hashes_order`.
  githubReleases(up, "mikefarah/yq", [{ tag: "v4.54.2" }, { tag: "v4.54.1" }]);
  const yqA = artifact(up, "https://github.com/mikefarah/yq/releases/download/v4.54.2/yq_linux_amd64", "yq 4.54.2 amd64");
  const yqB = artifact(up, "https://github.com/mikefarah/yq/releases/download/v4.54.2/yq_linux_arm64", "yq 4.54.2 arm64");
  hashes.yq = { amd64: yqA, arm64: yqB };
  const other = "0".repeat(40);
  artifact(up, "https://github.com/mikefarah/yq/releases/download/v4.54.2/checksums_hashes_order", "CRC32\nMD5\nSHA-1\nSHA-256\nSHA-512\n");
  artifact(
    up,
    "https://github.com/mikefarah/yq/releases/download/v4.54.2/checksums",
    [
      `yq_darwin_amd64  1234abcd ${"1".repeat(32)} ${other} ${"2".repeat(64)} ${"3".repeat(128)}`,
      `yq_linux_amd64  1234abcd ${"1".repeat(32)} ${other} ${yqA} ${"3".repeat(128)}`,
      `yq_linux_arm64  1234abcd ${"1".repeat(32)} ${other} ${yqB} ${"3".repeat(128)}`,
    ].join("\n") + "\n",
  );
  // docker: GitHub tags, no upstream checksums (computed from both downloads).
  githubTags(up, "docker/cli", "v", ["v29.8.2", "v29.8.3", "v29.8.3-rc.1", "v30.0.0"]);
  hashes.docker = {
    amd64: artifact(up, "https://download.docker.com/linux/static/stable/x86_64/docker-29.8.3.tgz", "docker 29.8.3 x86_64"),
    arm64: artifact(up, "https://download.docker.com/linux/static/stable/aarch64/docker-29.8.3.tgz", "docker 29.8.3 aarch64"),
  };
  // docker-buildx: one sha256sum list for all platforms.
  githubReleases(up, "docker/buildx", [{ tag: "v0.37.3" }]);
  const bxA = artifact(up, "https://github.com/docker/buildx/releases/download/v0.37.3/buildx-v0.37.3.linux-amd64", "buildx amd64");
  const bxB = artifact(up, "https://github.com/docker/buildx/releases/download/v0.37.3/buildx-v0.37.3.linux-arm64", "buildx arm64");
  hashes["docker-buildx"] = { amd64: bxA, arm64: bxB };
  artifact(
    up,
    "https://github.com/docker/buildx/releases/download/v0.37.3/checksums.txt",
    `${"9".repeat(64)} *buildx-v0.37.3.darwin-amd64\n${bxA} *buildx-v0.37.3.linux-amd64\n${bxB} *buildx-v0.37.3.linux-arm64\n`,
  );
  return hashes;
}

const FIVE = [
  "--image",
  "tooling-k8s",
  "--image",
  "buildx",
  "--tool",
  "kubectl",
  "--tool",
  "helm",
  "--tool",
  "yq",
  "--tool",
  "docker",
  "--tool",
  "docker-buildx",
];

beforeAll(async () => {
  up = await startUpstreamServer(UPSTREAM_HOSTS);
  ws = TempWorkspace.create();
});
afterAll(async () => {
  ws?.dispose();
  await up?.close();
});

describe("tools:update against a local HTTPS server standing in for GitHub and the download hosts", () => {
  let n = 0;
  beforeEach(() => ws.branchFromMain(`case-${++n}`));

  it("updates five tools across two images: lock, generated docs and one changeset per image", async () => {
    const hashes = serveNewReleases();
    const before = { k8s: JSON.parse(lockOf("tooling-k8s")) as LockJson, buildx: JSON.parse(lockOf("buildx")) as LockJson };

    const r = await run(FIVE);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);

    const expected = (lock: LockJson, changes: Record<string, { version: string; sources: string[]; computedOn?: string }>): string => {
      for (const [tool, c] of Object.entries(changes)) {
        const t = lock.tools[tool]!;
        t.version = c.version;
        t.sha256 = hashes[tool];
        t.sources = c.sources;
        if (c.computedOn) (t.update as { checksums: Record<string, unknown> }).checksums.computedOn = c.computedOn;
      }
      return `${JSON.stringify(lock, null, 2)}\n`;
    };
    expect(lockOf("tooling-k8s")).toBe(
      expected(before.k8s, {
        kubectl: {
          version: "1.37.3",
          sources: [
            "https://dl.k8s.io/release/v1.37.3/bin/linux/amd64/kubectl.sha256",
            "https://dl.k8s.io/release/v1.37.3/bin/linux/arm64/kubectl.sha256",
            "https://github.com/kubernetes/kubernetes/releases/tag/v1.37.3",
          ],
        },
        helm: {
          version: "4.4.0",
          sources: [
            "https://get.helm.sh/helm-v4.4.0-linux-amd64.tar.gz.sha256sum",
            "https://get.helm.sh/helm-v4.4.0-linux-arm64.tar.gz.sha256sum",
            "https://github.com/helm/helm/releases/tag/v4.4.0",
          ],
        },
        yq: {
          version: "4.54.2",
          sources: [
            "https://github.com/mikefarah/yq/releases/download/v4.54.2/checksums",
            "https://github.com/mikefarah/yq/releases/download/v4.54.2/checksums_hashes_order",
            "https://github.com/mikefarah/yq/releases/tag/v4.54.2",
          ],
        },
      }),
    );
    expect(lockOf("buildx")).toBe(
      expected(before.buildx, {
        docker: {
          version: "29.8.3",
          computedOn: TODAY,
          sources: [
            "https://download.docker.com/linux/static/stable/x86_64/docker-29.8.3.tgz",
            "https://download.docker.com/linux/static/stable/aarch64/docker-29.8.3.tgz",
            "https://docs.docker.com/engine/release-notes/",
          ],
        },
        "docker-buildx": {
          version: "0.37.3",
          sources: ["https://github.com/docker/buildx/releases/download/v0.37.3/checksums.txt", "https://github.com/docker/buildx/releases/tag/v0.37.3"],
        },
      }),
    );

    // The generated files follow the lock (children included), and the changesets name each image once.
    expect(ws.read("packages/tooling-k8s/README.md")).toContain("| [kubectl](https://kubernetes.io/docs/reference/kubectl/) | 1.37.3 |");
    expect(ws.read("packages/tooling-k8s/smoke.yaml")).toContain('output: "(?<!\\\\S)(?:Client Version: v1\\\\.37\\\\.3(?![.~-]?\\\\w))"');
    expect(ws.read("packages/tooling-k8s-aws/Dockerfile")).toContain('\\"kubectl\\":\\"1.37.3\\",\\"helm\\":\\"4.4.0\\"');
    expect(ws.read("packages/buildx/Dockerfile")).toContain('\\"docker\\":\\"29.8.3\\",\\"docker-buildx\\":\\"0.37.3\\"');
    expect(ws.run(process.execPath, ["--import", "tsx", "tools/image-docs/src/main.ts", "--check"]).status).toBe(0);
    expect(ws.read(".changeset/tools-update-tooling-k8s.md")).toBe(
      [
        "---",
        '"tooling-k8s": minor',
        "---",
        "",
        "Update tools (npm run tools:update):",
        "",
        "- helm 4.3.0 → 4.4.0 ([release notes](https://github.com/helm/helm/releases/tag/v4.4.0))",
        "- kubectl 1.37.1 → 1.37.3 ([release notes](https://github.com/kubernetes/kubernetes/releases/tag/v1.37.3))",
        "- yq 4.54.1 → 4.54.2 ([release notes](https://github.com/mikefarah/yq/releases/tag/v4.54.2))",
        "",
      ].join("\n"),
    );
    expect(ws.read(".changeset/tools-update-buildx.md")).toBe(
      [
        "---",
        '"buildx": patch',
        "---",
        "",
        "Update tools (npm run tools:update):",
        "",
        "- docker 29.8.2 → 29.8.3 ([release notes](https://docs.docker.com/engine/release-notes/))",
        "- docker-buildx 0.37.2 → 0.37.3 ([release notes](https://github.com/docker/buildx/releases/tag/v0.37.3))",
        "",
      ].join("\n"),
    );
    const changed = ws
      .git("status", "--porcelain", "--untracked-files=all")
      .split("\n")
      .map((l) => l.replace(/^\s*\S+\s+/, ""))
      .sort();
    expect(changed).toEqual(
      [
        ".changeset/tools-update-buildx.md",
        ".changeset/tools-update-tooling-k8s.md",
        "packages/buildx/Dockerfile",
        "packages/buildx/README.md",
        "packages/buildx/rootfs/usr/local/share/toolbox/1-buildx.tsv",
        "packages/buildx/rootfs/usr/local/share/toolbox/buildx.json",
        "packages/buildx/smoke.yaml",
        "packages/buildx/tools.lock.json",
        "packages/tooling-k8s-aws/Dockerfile",
        "packages/tooling-k8s-aws/README.md",
        "packages/tooling-k8s-openstack/Dockerfile",
        "packages/tooling-k8s-openstack/README.md",
        "packages/tooling-k8s/Dockerfile",
        "packages/tooling-k8s/README.md",
        "packages/tooling-k8s/rootfs/usr/local/share/toolbox/1-tooling-k8s.tsv",
        "packages/tooling-k8s/rootfs/usr/local/share/toolbox/tooling-k8s.json",
        "packages/tooling-k8s/smoke.yaml",
        "packages/tooling-k8s/tools.lock.json",
      ].sort(),
    );
    // The table shows the newer line that the track keeps out.
    expect(r.out).toMatch(/tooling-k8s +kubectl +1\.37\.1 +1\.37\.3 +1\.38\.0 +updated to 1\.37\.3/);
    expect(r.out).toMatch(/tooling-k8s +helm +4\.3\.0 +4\.4\.0 +5\.0\.0 +updated to 4\.4\.0/);
    // A second run finds nothing to do and writes nothing.
    ws.commitAll("updated");
    const again = await run(FIVE);
    expect(again.code).toBe(0);
    expect(ws.git("status", "--porcelain")).toBe("");
  });

  it("--check prints pinned / newest on track / newest overall, exits 1 and writes nothing", async () => {
    serveNewReleases();
    const requestsBefore = up.requests.length;
    const r = await run(["--check", ...FIVE]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/IMAGE +TOOL +PINNED +NEWEST ON TRACK +NEWEST OVERALL +STATUS/);
    expect(r.out).toMatch(/tooling-k8s +kubectl +1\.37\.1 +1\.37\.3 +1\.38\.0 +behind/);
    expect(r.out).toMatch(/buildx +docker +29\.8\.2 +29\.8\.3 +30\.0\.0 +behind/);
    expect(r.out).toContain("something is behind");
    expect(ws.git("status", "--porcelain")).toBe("");
    // --check looks versions up only: no checksum file or download is fetched.
    expect(up.requests.slice(requestsBefore).map((q) => new URL(q.url).hostname)).toEqual(
      expect.not.arrayContaining(["get.helm.sh", "download.docker.com", "objects.githubusercontent.com"]),
    );
  });

  it("--check: a repository that only tags (aws/aws-cli), read in one request; 2.36.10 is newer than 2.36.9, and the 1.x line is not on track", async () => {
    githubTags(up, "aws/aws-cli", "", ["1.44.99", "2.36.10", "2.36.7", "2.36.9", "2.9.0"]);
    const r = await run(["--check", "--tool", "aws"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/buildx +aws +2\.36\.7 +2\.36\.10 +2\.36\.10 +behind/);
    expect(r.out).toMatch(/tooling-k8s-aws +aws +2\.36\.7 +2\.36\.10 +2\.36\.10 +behind/);
    expect(up.requests.filter((q) => q.url.includes("aws-cli"))).toHaveLength(1);
  });

  describe("a tool that does not verify on every arch is not written; the others still are", () => {
    const unchanged = (image: string, before: string) => {
      expect(lockOf(image)).toBe(before);
      expect(ws.git("status", "--porcelain", "--untracked-files=all")).toBe("");
    };

    it("a checksum file that lacks an arch", async () => {
      serveNewReleases();
      const h = sha256("helm 4.4.0 amd64");
      up.route("https://get.helm.sh/helm-v4.4.0-linux-arm64.tar.gz.sha256sum", `${h}  helm-v4.4.0-linux-amd64.tar.gz\n`);
      const before = lockOf("tooling-k8s");
      const r = await run(["--image", "tooling-k8s", "--tool", "helm"]);
      expect(r.code).toBe(1);
      expect(r.err).toBe(
        "error: tooling-k8s helm: https://get.helm.sh/helm-v4.4.0-linux-arm64.tar.gz.sha256sum lacks arm64: no sha256 entry for helm-v4.4.0-linux-arm64.tar.gz\n",
      );
      unchanged("tooling-k8s", before);
    });

    it("a yq checksums file without the arch", async () => {
      serveNewReleases();
      const before = lockOf("tooling-k8s");
      artifact(up, "https://github.com/mikefarah/yq/releases/download/v4.54.2/checksums", `yq_linux_amd64  1 2 3 ${sha256("yq 4.54.2 amd64")} 5\n`);
      const r = await run(["--image", "tooling-k8s", "--tool", "yq"]);
      expect(r.code).toBe(1);
      expect(r.err).toContain(
        "error: tooling-k8s yq: https://github.com/mikefarah/yq/releases/download/v4.54.2/checksums lacks arm64: no sha256 entry for yq_linux_arm64",
      );
      unchanged("tooling-k8s", before);
    });

    it("a download whose sha256 disagrees with the published one", async () => {
      serveNewReleases();
      up.route("https://dl.k8s.io/release/v1.37.3/bin/linux/arm64/kubectl", "tampered kubectl");
      const before = lockOf("tooling-k8s");
      const r = await run(["--image", "tooling-k8s", "--tool", "kubectl"]);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(
        /^error: tooling-k8s kubectl: arm64: https:\/\/dl\.k8s\.io\/release\/v1\.37\.3\/bin\/linux\/arm64\/kubectl has sha256 [0-9a-f]{64}, but upstream's checksums say [0-9a-f]{64}; not updating\n$/,
      );
      unchanged("tooling-k8s", before);
    });

    it("an HTTP error on a download (a server error is retried once, and says so)", async () => {
      serveNewReleases();
      up.route("https://download.docker.com/linux/static/stable/aarch64/docker-29.8.3.tgz", { status: 503, body: "busy" });
      const before = lockOf("buildx");
      const r = await run(["--image", "buildx", "--tool", "docker"]);
      expect(r.code).toBe(1);
      expect(r.err).toContain(
        "retrying https://download.docker.com/linux/static/stable/aarch64/docker-29.8.3.tgz once after: https://download.docker.com/linux/static/stable/aarch64/docker-29.8.3.tgz answered HTTP 503",
      );
      expect(r.err).toContain("error: buildx docker: https://download.docker.com/linux/static/stable/aarch64/docker-29.8.3.tgz answered HTTP 503\n");
      unchanged("buildx", before);
    });

    it("GitHub's rate limit: the error says GITHUB_TOKEN raises it", async () => {
      serveNewReleases();
      up.route("https://api.github.com/repos/helm/helm/releases?per_page=100&page=1", {
        status: 403,
        body: '{"message":"API rate limit exceeded"}',
        headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": "1796212800" },
      });
      const before = lockOf("tooling-k8s");
      const r = await run(["--image", "tooling-k8s", "--tool", "helm"]);
      expect(r.code).toBe(1);
      expect(r.err).toBe(
        "error: tooling-k8s helm: GitHub API rate limit reached until 12:00 UTC (60 requests an hour without a token); set GITHUB_TOKEN to raise it to 5,000\n",
      );
      unchanged("tooling-k8s", before);
    });

    it("one tool failing leaves its entry as it was while the others of the same lock update", async () => {
      serveNewReleases();
      up.route("https://dl.k8s.io/release/v1.37.3/bin/linux/arm64/kubectl", "tampered kubectl");
      const before = JSON.parse(lockOf("tooling-k8s")) as LockJson;
      const r = await run(["--image", "tooling-k8s", "--tool", "kubectl", "--tool", "helm"]);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/^error: tooling-k8s kubectl: arm64: .* not updating\n$/);
      const after = JSON.parse(lockOf("tooling-k8s")) as LockJson;
      expect(after.tools.kubectl).toEqual(before.tools.kubectl);
      expect(after.tools.helm!.version).toBe("4.4.0");
      expect(ws.read(".changeset/tools-update-tooling-k8s.md")).not.toContain("kubectl");
    });

    it("the GitHub token goes to the API only, never to a download host", async () => {
      serveNewReleases();
      const start = up.requests.length;
      const r = await run(["--image", "tooling-k8s", "--tool", "helm", "--tool", "yq", "--dry-run"], { GITHUB_TOKEN: "ghp_secret-token-value" });
      expect(r.code).toBe(0);
      const sent = up.requests.slice(start);
      expect(sent.filter((q) => q.headers.authorization).map((q) => new URL(q.url).hostname)).toEqual(["api.github.com", "api.github.com"]);
      expect(sent.some((q) => new URL(q.url).hostname === "objects.githubusercontent.com")).toBe(true);
      expect(r.out + r.err).not.toContain("ghp_secret-token-value");
      expect(ws.git("status", "--porcelain", "--untracked-files=all")).toBe("");
    });
  });

  describe("TOOLS_MIRROR: the local server also stands in for an artifact proxy", () => {
    const MIRROR = "https://get.helm.sh/=https://mirror.example.test/repository/helm/";

    it("downloads and checksum files come through the mirror; the lock records upstream URLs", async () => {
      const hashes = serveNewReleases();
      for (const arch of ["amd64", "arm64"]) {
        for (const suffix of ["", ".sha256sum"]) {
          const upstream = `https://get.helm.sh/helm-v4.4.0-linux-${arch}.tar.gz${suffix}`;
          const body = suffix ? `${hashes.helm![arch as "amd64"]}  helm-v4.4.0-linux-${arch}.tar.gz\n` : `helm 4.4.0 ${arch}`;
          up.route(upstream.replace("https://get.helm.sh/", "https://mirror.example.test/repository/helm/"), body);
          up.route(upstream, { status: 500, body: "upstream must not be asked" });
        }
      }
      const r = await run(["--image", "tooling-k8s", "--tool", "helm"], { TOOLS_MIRROR: MIRROR });
      expect(r.err).toBe("");
      expect(r.code).toBe(0);
      const helm = (JSON.parse(lockOf("tooling-k8s")) as LockJson).tools.helm!;
      expect(helm.sha256).toEqual(hashes.helm);
      expect(helm.url).toBe("https://get.helm.sh/helm-v{version}-linux-{arch}.tar.gz");
      expect((helm.sources as string[])[0]).toBe("https://get.helm.sh/helm-v4.4.0-linux-amd64.tar.gz.sha256sum");
    });

    it("a mirror serving another file cannot substitute it", async () => {
      serveNewReleases();
      const h = sha256("helm 4.4.0 amd64");
      up.route("https://mirror.example.test/repository/helm/helm-v4.4.0-linux-amd64.tar.gz.sha256sum", `${h}  helm-v4.4.0-linux-amd64.tar.gz\n`);
      up.route("https://mirror.example.test/repository/helm/helm-v4.4.0-linux-amd64.tar.gz", "something else");
      const before = lockOf("tooling-k8s");
      const r = await run(["--image", "tooling-k8s", "--tool", "helm"], { TOOLS_MIRROR: MIRROR });
      expect(r.code).toBe(1);
      expect(r.err).toMatch(
        /error: tooling-k8s helm: amd64: https:\/\/get\.helm\.sh\/helm-v4\.4\.0-linux-amd64\.tar\.gz has sha256 [0-9a-f]{64}, but upstream's checksums say/,
      );
      expect(lockOf("tooling-k8s")).toBe(before);
    });

    it("a malformed TOOLS_MIRROR is a usage error naming the entry", async () => {
      const r = await run(["--check"], { TOOLS_MIRROR: "https://get.helm.sh/" });
      expect(r.code).toBe(2);
      expect(r.err).toBe(
        'tools:update: TOOLS_MIRROR entry "https://get.helm.sh/" is not UPSTREAM_PREFIX=MIRROR_PREFIX (e.g. https://github.com/=https://nexus.example.com/repository/github/)\n',
      );
    });
  });
});
