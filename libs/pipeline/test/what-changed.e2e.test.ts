import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testKeyPair } from "@image-tooling/test-support/cosign-keys";
import { installFixtureDebs } from "@image-tooling/test-support/fixture-debs";
import { fixtureWorkspace, setVersion } from "@image-tooling/test-support/fixture-workspace";
import { loadHarnessEnv } from "@image-tooling/test-support/harness-env";
import { pipelineTestKeys, runPipeline, type PipelineRun } from "@image-tooling/test-support/run-pipeline";
import type { TempWorkspace } from "@image-tooling/test-support/temp-workspace";
import { renderImageNotes } from "@image-tooling/release/render-notes";
import { parseResult } from "@image-tooling/release/result-file";
import type { ImageChanges } from "../src/changes/compare.ts";
import { RegistryClient } from "@image-tooling/oci-registry";

/**
 * "What changed" on the harness: two versions of fixture-child published for
 * real (built by the engine in its own network, signed, SBOMs attached),
 * whose tools locks, Debian packages and parent differ. The release notes of
 * the second list exactly those changes, read back from the registry; the
 * first says it has no predecessor; `image:diff` says the same on demand, and
 * counts only SBOMs by the expected signer.
 */
const harness = loadHarnessEnv();
const REGISTRY = harness.HARNESS_ENGINE_REGISTRY;
const baseDigest = harness.HARNESS_DEBIAN_BASE.split("@")[1]!;
const registry = new RegistryClient({ registry: REGISTRY, plainHttp: true });
const ns = `e2e-changes-${randomBytes(4).toString("hex")}`;
const env = { IMAGE_REGISTRY: REGISTRY, IMAGE_REGISTRY_PLAIN_HTTP: "true", IMAGE_NAMESPACE: ns };

const CHILD_TOOL = '#!/bin/sh\necho "child-tool on $(cat /etc/fixture-release)"\n';
const SHA = createHash("sha256").update(CHILD_TOOL).digest("hex");

/** A lock entry of a tool whose versions come from GitHub releases of example/<name>. */
const tool = (name: string, version: string) => ({
  version,
  description: `The fixture's ${name} (the URL is a stand-in: nothing is downloaded)`,
  homepage: `https://example.org/${name}`,
  url: `https://example.org/${name}/v{version}/${name}-{arch}`,
  sha256: { amd64: SHA, arm64: SHA },
  archive: "binary",
  install: `/usr/local/bin/${name}`,
  versionCommand: [name],
  versionPattern: `${name} {version}`,
  examples: [name],
  sources: [`https://example.org/${name}/`],
  update: { versions: { github: `example/${name}`, tag: "v{version}" }, checksums: { format: "computed" } },
});

/** fixture-child's lock, Debian packages and files for one version. */
function childVersion(ws: TempWorkspace, tools: Record<string, string>, debs: { name: string; version: string }[]): void {
  ws.write(
    "packages/fixture-child/Dockerfile",
    ["ARG BASE_IMAGE", "FROM ${BASE_IMAGE}", "USER root", installFixtureDebs(debs), "COPY --chmod=0755 child-tool /usr/local/bin/", "USER 10001:0", ""].join(
      "\n",
    ),
  );
  ws.write(
    "packages/fixture-child/tools.lock.json",
    `${JSON.stringify({ image: "fixture-child", tools: Object.fromEntries(Object.entries(tools).map(([n, v]) => [n, tool(n, v)])) }, null, 2)}\n`,
  );
}

/** Per platform: the compressed size as the registry holds it (the sum of its manifest's layers), read here independently. */
async function layerSums(image: string, version: string): Promise<Record<string, number>> {
  const index = (await registry.getManifest(`${ns}/${image}`, version)).json as {
    manifests: { digest: string; platform: { os: string; architecture: string } }[];
  };
  const out: Record<string, number> = {};
  for (const m of index.manifests) {
    const manifest = (await registry.getManifest(`${ns}/${image}`, m.digest)).json as { layers: { size: number }[] };
    out[`${m.platform.os}/${m.platform.architecture}`] = manifest.layers.reduce((s, l) => s + l.size, 0);
  }
  return out;
}

describe("release notes say what changed since the previous published version", () => {
  let ws: TempWorkspace;
  const results: Record<string, ReturnType<typeof parseResult>> = {};
  const digests: Record<string, string> = {};
  let diff: PipelineRun;
  let diffJson: PipelineRun;
  let foreign: PipelineRun;

  const publish = async (image: string, version: string) => {
    const run = await runPipeline(ws, ["publish", image], env);
    expect(run.status, run.all).toBe(0);
    digests[`${image}@${version}`] = (await registry.manifestDigest(`${ns}/${image}`, version))!;
    return parseResult(ws.read(`dist/images/${image}/result.json`), "result.json");
  };

  beforeAll(async () => {
    const t0 = Date.now();
    ws = fixtureWorkspace(baseDigest);
    childVersion(ws, { "child-tool": "0.3.1", "old-tool": "1.0.0" }, [
      { name: "fixture-upgraded", version: "1.0" },
      { name: "fixture-removed", version: "1.0" },
    ]);
    ws.commitAll("fixture-child 1.0.0");
    await publish("fixture-base", "1.0.0");
    results.first = await publish("fixture-child", "1.0.0");
    ws.git("tag", "fixture-child@1.0.0");

    // The next release: a new parent (1.1.0, so a new digest), tools moved, added and removed, packages upgraded, added and removed.
    setVersion(ws, "fixture-base", "1.1.0");
    setVersion(ws, "fixture-child", "1.0.1");
    const child = JSON.parse(ws.read("packages/fixture-child/package.json"));
    child.dependencies["fixture-base"] = "1.1.0";
    ws.write("packages/fixture-child/package.json", `${JSON.stringify(child, null, 2)}\n`);
    childVersion(ws, { "child-tool": "0.4.0", "new-tool": "2.0.0" }, [
      { name: "fixture-upgraded", version: "1.1" },
      { name: "fixture-added", version: "2.0" },
    ]);
    ws.commitAll("fixture-base 1.1.0, fixture-child 1.0.1");
    await publish("fixture-base", "1.1.0");
    results.second = await publish("fixture-child", "1.0.1");
    ws.git("tag", "fixture-child@1.0.1");
    console.log(`four publishes: ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    const t1 = Date.now();
    // As on the machine that published: its key pair's public half is the expected signer.
    const keys = (await pipelineTestKeys()).env;
    diff = await runPipeline(ws, ["diff", "fixture-child", "1.0.0", "1.0.1"], { ...env, ...keys });
    console.log(`image:diff: ${((Date.now() - t1) / 1000).toFixed(1)} s`);
    diffJson = await runPipeline(ws, ["diff", "fixture-child", "1.0.0", "1.0.1", "--json"], { ...env, ...keys });
    // Another key pair: the SBOMs attached are not its, so they do not count; the tools come from the git tags.
    foreign = await runPipeline(ws, ["diff", "fixture-child", "1.0.0", "1.0.1", "--key", (await testKeyPair()).publicKeyFile], env);
  });
  afterAll(() => ws?.dispose());

  it("a first version says it has no predecessor", () => {
    expect(results.first!.changes).toEqual({ image: "fixture-child", version: "1.0.0", digest: digests["fixture-child@1.0.0"], previous: null });
    const notes = renderImageNotes(results.first!);
    expect(notes).toContain("### What changed\n\nfixture-child 1.0.0 is the first published version: it has no predecessor to compare with.");
  });

  it("the next version lists exactly the tool, package, parent digest and size changes", async () => {
    const c = results.second!.changes as ImageChanges;
    expect(c.previous).toEqual({ version: "1.0.0", digest: digests["fixture-child@1.0.0"] });
    expect(c.tools).toEqual({
      moved: [
        {
          name: "child-tool",
          from: "0.3.1",
          to: "0.4.0",
          lock: "packages/fixture-child/tools.lock.json",
          notes: "https://github.com/example/child-tool/releases/tag/v0.4.0",
        },
      ],
      added: [
        {
          name: "new-tool",
          version: "2.0.0",
          lock: "packages/fixture-child/tools.lock.json",
          notes: "https://github.com/example/new-tool/releases/tag/v2.0.0",
        },
      ],
      removed: [{ name: "old-tool", version: "1.0.0", lock: "packages/fixture-child/tools.lock.json" }],
    });
    const packages = {
      upgraded: [{ name: "fixture-upgraded", from: "1.0", to: "1.1" }],
      downgraded: [],
      added: [{ name: "fixture-added", version: "2.0" }],
      removed: [{ name: "fixture-removed", version: "1.0" }],
    };
    expect(c.packages).toEqual({ "linux/amd64": packages, "linux/arm64": packages });
    expect(c.base).toEqual({
      from: { name: `${REGISTRY}/${ns}/fixture-base:1.0.0`, digest: digests["fixture-base@1.0.0"] },
      to: { name: `${REGISTRY}/${ns}/fixture-base:1.1.0`, digest: digests["fixture-base@1.1.0"] },
      changed: true,
    });
    const [before, after] = [await layerSums("fixture-child", "1.0.0"), await layerSums("fixture-child", "1.0.1")];
    expect(c.sizes).toEqual(Object.fromEntries(Object.keys(after).map((p) => [p, { from: before[p], to: after[p], delta: after[p]! - before[p]! }])));
  });

  it("the GitHub release body (and job summary) carries it as a 'What changed' section, the vulnerability delta joined", () => {
    const notes = renderImageNotes(results.second!);
    const section = notes.slice(notes.indexOf("### What changed"), notes.indexOf("### Vulnerabilities"));
    expect(section).toContain(`Compared with fixture-child 1.0.0 (\`${digests["fixture-child@1.0.0"]!.slice(0, 19)}…\`):`);
    expect(section).toContain("- child-tool 0.3.1 → [0.4.0](https://github.com/example/child-tool/releases/tag/v0.4.0)");
    expect(section).toContain("- new-tool [2.0.0](https://github.com/example/new-tool/releases/tag/v2.0.0) (added)");
    expect(section).toContain("- old-tool 1.0.0 (removed)");
    for (const p of ["linux/amd64", "linux/arm64"])
      expect(section).toContain(`- ${p}:\n  - upgraded: fixture-upgraded 1.0 → 1.1\n  - added: fixture-added 2.0\n  - removed: fixture-removed 1.0\n`);
    expect(section).toMatch(/\*\*Base:\*\* \S+\/fixture-base:1\.0\.0 `sha256:[0-9a-f]{12}…` → \S+\/fixture-base:1\.1\.0 `sha256:[0-9a-f]{12}…`/);
    expect(section).toMatch(/- linux\/amd64: [\d.]+ MB → [\d.]+ MB \([+-±][\d.]+ k?B\)/);
    // The offline test database's findings in the Debian base are on both versions: still open, none fixed or new.
    const delta = (results.second as { vulnerabilities?: { previous?: { fixed: unknown[]; new: unknown[]; stillOpen: unknown[] } } }).vulnerabilities!
      .previous!;
    expect(delta.fixed.length + delta.new.length).toBe(0);
    expect(section).toContain(`**Vulnerabilities:** 0 fixed, 0 new, ${delta.stillOpen.length} still open since 1.0.0 (below)`);
    console.log(section);
  });

  it("npm run image:diff -- <image> <A> <B> reads both from the registry and says the same", () => {
    expect(diff.status, diff.all).toBe(0);
    expect(diff.stdout).toContain("## What changed in fixture-child 1.0.1");
    expect(diff.stdout).toContain("- child-tool 0.3.1 → [0.4.0](https://github.com/example/child-tool/releases/tag/v0.4.0)");
    expect(diffJson.status, diffJson.all).toBe(0);
    expect(JSON.parse(diffJson.stdout)).toEqual(results.second!.changes);
  });

  it("only SBOMs by the expected signer count: with another key, packages are unknown and the tools come from the git tags", () => {
    expect(foreign.status, foreign.all).toBe(0);
    const out = foreign.stdout;
    for (const p of ["linux/amd64", "linux/arm64"]) expect(out).toContain(`- ${p}: not known (1.0.0: no SBOM signed by the configured cosign key)`);
    expect(out).toContain("- child-tool 0.3.1 → [0.4.0](https://github.com/example/child-tool/releases/tag/v0.4.0)");
    expect(out).toContain("- old-tool 1.0.0 (removed)");
  });

  it("bad input is one clear line, never a stack", async () => {
    const wrong = await runPipeline(ws, ["diff", "fixture-child", "1.0", "1.0.1"], env);
    expect(wrong.status).toBe(1);
    expect(wrong.all).toContain('fixture-child: the first version "1.0" is not an X.Y.Z version');
    const missing = await runPipeline(ws, ["diff", "fixture-child", "0.9.0", "1.0.1", "--key", "/nonexistent.pub"], env);
    expect(missing.all).toContain("--key /nonexistent.pub: cannot read it (ENOENT)");
    const absent = await runPipeline(ws, ["diff", "fixture-child", "0.9.0", "1.0.1"], {
      ...env,
      SIGNING_IDENTITY: "https://github.com/a/b/.github/workflows/release.yml@refs/heads/main",
    });
    expect(absent.status).toBe(1);
    expect(absent.all).toContain(`${REGISTRY}/${ns}/fixture-child:0.9.0 is not in the registry`);
    for (const r of [wrong, missing, absent]) expect(r.all).not.toMatch(/\n\s+at /);
  });
});
