import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadHarnessEnv } from "@image-tooling/test-support/harness-env";
import { RegistryClient } from "@image-tooling/oci-registry";
import { seedImage } from "@image-tooling/test-support/oci-image";
import { TempWorkspace } from "@image-tooling/test-support/temp-workspace";
import { cli } from "../src/cli.ts";
import { startUpstreamServer, type UpstreamServer } from "@image-tooling/test-support/upstream-server";
import { UPSTREAM_HOSTS } from "./support/stand-ins.ts";

// The base digest comes from the harness's real registry (127.0.0.1:5000, no
// engine involved). toolbox-base holds the toolbox family's only external
// base and pins no downloads, so no upstream release list is asked for; the
// local HTTPS stand-in for GitHub's API answers anything else.
let up: UpstreamServer;
let ws: TempWorkspace;
let registry: string;
let client: RegistryClient;
const repo = `tools-update-test/debian-${randomBytes(4).toString("hex")}`;

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await cli(args, {
    root: ws.root,
    env: {},
    http: { ca: up.ca, connectTo: up.connectTo },
    today: "2026-12-03",
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
  });
  return { code, out, err };
}

const pointBaseAt = (image: string, digest: string): void => {
  const yaml = ws
    .read("packages/toolbox-base/image.yaml")
    .replace(/^( {2}image: ).*$/m, `$1${image}`)
    .replace(/^( {2}digest: ).*$/m, `$1${digest}`);
  ws.write("packages/toolbox-base/image.yaml", yaml);
};

beforeAll(async () => {
  registry = loadHarnessEnv().HARNESS_REGISTRY; // fails, never skips, without the harness
  client = new RegistryClient({ registry });
  up = await startUpstreamServer(UPSTREAM_HOSTS);
  ws = TempWorkspace.create();
});
afterAll(async () => {
  ws?.dispose();
  await up?.close();
});

describe("external bases follow their tag to the newest multi-platform index (harness registry)", () => {
  it("a base tag moved to a new digest is picked up: image.yaml, README and a patch changeset", async () => {
    const image = `${registry}/${repo}:trixie-slim`;
    const first = await seedImage(client, repo, "trixie-slim", { labels: { build: "1" } });
    ws.branchFromMain("base-moved");
    pointBaseAt(image, first.digest);
    ws.commitAll("toolbox-base on the test base");
    const docs = ws.run(process.execPath, ["--import", "tsx", "tools/image-docs/src/main.ts"]);
    expect(docs.status).toBe(0);
    ws.commitAll("docs");

    const same = await run(["--check", "--image", "toolbox-base"]);
    expect(same.code).toBe(0);
    expect(same.out).toMatch(/toolbox-base +base +[0-9a-f]{12} +[0-9a-f]{12} +— +current/);

    const second = await seedImage(client, repo, "trixie-slim", { labels: { build: "2" } });
    expect(second.digest).not.toBe(first.digest);
    const check = await run(["--check", "--image", "toolbox-base"]);
    expect(check.code).toBe(1);
    expect(check.out).toContain(`behind (${image})`);

    const r = await run(["--image", "toolbox-base"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(ws.read("packages/toolbox-base/image.yaml")).toContain(`  digest: ${second.digest}\n`);
    expect(ws.read("packages/toolbox-base/README.md")).toContain(`Base: \`${image}@${second.digest}\``);
    expect(ws.read(".changeset/tools-update-toolbox-base.md")).toBe(
      `---\n"toolbox-base": patch\n---\n\nUpdate base image (npm run tools:update):\n\n- base \`${image}\` → \`${second.digest}\` (the tag's newest multi-platform digest; was \`${first.digest}\`)\n`,
    );
  });

  it("a tag that lost a platform is not followed; image.yaml stays byte-identical", async () => {
    const image = `${registry}/${repo}:amd64-only`;
    const before = await seedImage(client, repo, "amd64-only", { labels: { build: "1" } });
    ws.branchFromMain("base-lost-arm64");
    pointBaseAt(image, before.digest);
    ws.commitAll("toolbox-base on a base tag");
    const yaml = ws.read("packages/toolbox-base/image.yaml");
    const after = await seedImage(client, repo, "amd64-only", { platforms: ["linux/amd64"], labels: { build: "2" } });
    const r = await run(["--image", "toolbox-base"]);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`error: toolbox-base base ${image}: ${image} (${after.digest}) has no linux/arm64 image; keeping the pinned digest\n`);
    expect(ws.read("packages/toolbox-base/image.yaml")).toBe(yaml);
    expect(ws.git("status", "--porcelain", "--untracked-files=all")).toBe("");
  });
});
