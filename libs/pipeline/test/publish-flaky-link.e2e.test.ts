import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FaultBudget, type FlakyLink, type LinkRule, startFlakyLink } from "@image-tooling/test-support/flaky-link";
import { fixtureWorkspace } from "@image-tooling/test-support/fixture-workspace";
import { loadHarnessEnv } from "@image-tooling/test-support/harness-env";
import { startTestRegistry, type TestRegistry } from "@image-tooling/test-support/registry-server";
import { pipelineTestKeys, runPipeline, type PipelineRun } from "@image-tooling/test-support/run-pipeline";
import type { TempWorkspace } from "@image-tooling/test-support/temp-workspace";
import { goToolBinary } from "@image-tooling/go-tool";
import { COSIGN } from "../src/attest/tools.ts";
import { RegistryClient } from "@image-tooling/oci-registry";

// Publish of a parent and its child, in one run, through a flaky link: a
// TCP-level proxy (no HTTP codes at all; see tools/test-support/src/flaky-link.ts)
// on this machine's address on the harness bridge, where the engine in its own
// network reaches it like any test registry, in front of a real registry.
// Every client goes through it: our registry client, the engine's push,
// cosign and syft. The engine's connections come from its container's
// address, this machine's processes from the bridge host's, which is all a
// TCP proxy can tell apart.
const harness = loadHarnessEnv();
const baseDigest = harness.HARNESS_DEBIAN_BASE.split("@")[1]!;
const ENGINE_IP = new URL(harness.HARNESS_ENGINE_TCP.replace(/^tcp:/, "http:")).hostname;
const IMAGES = ["fixture-base", "fixture-child"];
const TAGS = ["1.0.0", "1.0", "1", "latest"];
const KiB = 1 << 10;
const MiB = 1 << 20;
const SEED = 20261205;

/**
 * The faults of one flaky publish, each kind for a while and then the link is
 * clean again (as after a blip): the first connections from this machine reset
 * as they open (our registry check) and, drawn from the seed, one in twenty
 * later ones; the engine's first connection reset as it opens and its first
 * upload over 1 MB (a layer of its push) cut; for 15 s from the first, every
 * upload over 64 kB from this machine cut (cosign's bundles: our own client
 * only PUTs small manifests), and for 6 s every download over 4 MB (the
 * layers syft pulls). cosign and syft retry a cut on their own a few times, silently;
 * the windows outlast that, so their whole command fails and the pipeline's retry,
 * said out loud, is what gets them through.
 */
function blips(): LinkRule {
  const hostResets = new FaultBudget(4);
  const engineResets = new FaultBudget(1);
  const engineCuts = new FaultBudget(1);
  const cosignCuts = new FaultBudget(Infinity, { forMs: 15_000 });
  // syft's own retries of a pull take longer: a shorter window still outlasts them, and leaves the policy's bound room.
  const syftCuts = new FaultBudget(Infinity, { forMs: 6_000 });
  // Ordinals of this publish's own connections, per side (the link has carried others before).
  let host = 0;
  let engine = 0;
  return (c) => {
    if (c.peer === ENGINE_IP) {
      if (++engine === 1 && engineResets.take()) return { reset: true };
      return { cutUpload: { afterBytes: MiB, budget: engineCuts } };
    }
    if ((++host <= 2 || c.random() < 0.05) && hostResets.take()) return { reset: true };
    return { cutUpload: { afterBytes: 64 * KiB, budget: cosignCuts }, cutDownload: { afterBytes: 4 * MiB, budget: syftCuts } };
  };
}

/** The retries as announced, one line each (not the run's closing `↻ retried in this run: …`). */
const retryLines = (out: string) => out.split("\n").filter((l) => l.startsWith("  ↻ "));

/** Retries per step, from the run's own `↻` lines. */
function retriesByStep(out: string): Record<string, number> {
  const steps: Record<string, number> = {};
  for (const line of retryLines(out)) {
    const what = /↻ (\S+(?: \S+)?)/.exec(line)![1]!;
    const step = what.startsWith("cosign")
      ? what
      : what.startsWith("syft")
        ? "syft scan"
        : what.startsWith("push")
          ? "engine push"
          : /^(GET|HEAD|PUT|POST|PATCH|upload)\b/.test(what)
            ? "registry requests"
            : what;
    steps[step] = (steps[step] ?? 0) + 1;
  }
  return steps;
}

function observe(name: string, facts: Record<string, unknown>): void {
  process.stdout.write(`[flaky-link-observation] ${name}: ${JSON.stringify(facts)}\n`);
}

describe("publish of a parent and its child through a flaky link", () => {
  let ws: TempWorkspace;
  let upstream: TestRegistry;
  let link: FlakyLink;
  let direct: RegistryClient;
  let cosign: string;
  const env = (ns: string, extra: Record<string, string> = {}) => ({
    IMAGE_REGISTRY: link.host,
    IMAGE_REGISTRY_PLAIN_HTTP: "true",
    IMAGE_NAMESPACE: ns,
    IMAGE_REGISTRY_RETRIES: "5",
    IMAGE_REGISTRY_RETRY_MAX_SECONDS: "60",
    ...extra,
  });
  const publish = async (ns: string, extra: Record<string, string> = {}): Promise<PipelineRun & { seconds: number }> => {
    const t0 = Date.now();
    const run = await runPipeline(ws, ["publish", ...IMAGES], env(ns, extra));
    return { ...run, seconds: (Date.now() - t0) / 1000 };
  };
  const tags = async (ns: string, image: string) => {
    const out: Record<string, string | null> = {};
    for (const tag of TAGS) out[tag] = await direct.manifestDigest(`${ns}/${image}`, tag);
    return out;
  };
  /** Every tag of the repository, and what each points at: the signature tags included, so a re-run that attaches anything shows. */
  const snapshot = async (ns: string) => {
    const out: Record<string, string | null> = {};
    for (const image of IMAGES)
      for (const tag of (await direct.listTags(`${ns}/${image}`)).sort()) out[`${image}:${tag}`] = await direct.manifestDigest(`${ns}/${image}`, tag);
    return out;
  };

  let baseline: { seconds: number } | undefined;
  let flaky: (PipelineRun & { seconds: number; ns: string }) | undefined;

  beforeAll(async () => {
    cosign = await goToolBinary(COSIGN, { env: process.env });
    upstream = await startTestRegistry();
    link = await startFlakyLink({ upstream: upstream.host, seed: SEED, listen: "bridge" });
    direct = new RegistryClient({ registry: upstream.host, retry: { retries: 0 } });
    ws = fixtureWorkspace(baseDigest);
    // The same publish on a clean link first: the engine's cache is then warm for both, so the times compare the links.
    const clean = await publish(`clean-${randomBytes(4).toString("hex")}`);
    expect(clean.status, clean.all).toBe(0);
    expect(retryLines(clean.all)).toEqual([]);
    baseline = { seconds: clean.seconds };
  });
  afterAll(async () => {
    await link?.stop();
    await upstream?.stop();
    ws?.dispose();
  });

  it("succeeds in one run, says which steps retried, and what it published reads back with skopeo and `cosign verify`", async () => {
    const ns = `flaky-${randomBytes(4).toString("hex")}`;
    link.setRule(blips());
    const before = link.events.length;
    const run = await publish(ns);
    link.setRule(undefined);
    const injected = link.events.slice(before);
    flaky = { ...run, ns };
    observe("faults injected", { seed: SEED, link: link.describe(), injected: injected.map((e) => `${e.kind}@${e.peer === ENGINE_IP ? "engine" : "host"}`) });
    expect(run.status, `${link.describe()}\n${run.all}`).toBe(0);

    const retried = retriesByStep(run.all);
    observe("retries per step", { retried, lines: retryLines(run.all), seconds: run.seconds, baselineSeconds: baseline!.seconds });
    // Each kind of fault met its step, and each step said so out loud.
    expect(injected.filter((e) => e.kind === "reset" && e.peer !== ENGINE_IP).length).toBeGreaterThanOrEqual(2);
    expect(retried["registry requests"]).toBeGreaterThanOrEqual(2);
    // A reset at accept reaches Node either as a reset or, when it lands before the request is written, as a
    // connection that never progresses (dropped after the 10 s window): which one depends on timing, not the seed.
    expect(retryLines(run.all)[0]).toMatch(
      new RegExp(`^  ↻ GET /v2/ on registry ${link.host}: (connection reset|no progress for 10\\.0 s); waiting [\\d.]+ m?s, then retry 1 of 5$`),
    );
    expect(injected.some((e) => e.kind === "reset" && e.peer === ENGINE_IP)).toBe(true);
    expect(injected.some((e) => e.kind === "cut-upload" && e.peer === ENGINE_IP)).toBe(true);
    expect(retried["engine push"]).toBeGreaterThanOrEqual(1);
    expect(retryLines(run.all).find((l) => l.includes("↻ push "))).toMatch(
      new RegExp(`^  ↻ push ${link.host}/${ns}/fixture-base:1\\.0\\.0: [^;]+; waiting [\\d.]+ m?s, then retry 1 of 5$`),
    );
    expect(injected.filter((e) => e.kind === "cut-upload" && e.peer !== ENGINE_IP).length).toBeGreaterThanOrEqual(1);
    expect(Object.keys(retried).some((s) => s.startsWith("cosign attest"))).toBe(true);
    expect(injected.filter((e) => e.kind === "cut-download").length).toBeGreaterThanOrEqual(1);
    expect(retried["syft scan"]).toBeGreaterThanOrEqual(1);
    // And once for the run, at its end: which steps, how often.
    const summary = run.all.split("\n").find((l) => l.startsWith("↻ retried in this run: "));
    expect(summary).toBeDefined();
    for (const step of ["registry requests", "engine push", "cosign attest", "syft scan"]) expect(summary).toContain(`${step} `);

    for (const image of IMAGES) {
      const t = await tags(ns, image);
      expect(new Set(Object.values(t)).size, JSON.stringify(t)).toBe(1);
      const digest = t["1.0.0"]!;
      expect(digest).toMatch(/^sha256:/);
      expect(JSON.parse(ws.read(`dist/images/${image}/result.json`))).toMatchObject({ status: "pushed", digest, attestations: { status: "created" } });
      // Read back by clients nobody here wrote, over the registry itself.
      const ref = `${upstream.host}/${ns}/${image}`;
      const skopeoDigest = execFileSync("skopeo", ["inspect", "--tls-verify=false", "--format", "{{.Digest}}", `docker://${ref}:1`], {
        encoding: "utf8",
      }).trim();
      expect(skopeoDigest).toBe(digest);
      const raw = JSON.parse(execFileSync("skopeo", ["inspect", "--raw", "--tls-verify=false", `docker://${ref}:1.0.0`], { encoding: "utf8" })) as {
        manifests: { platform: { architecture: string } }[];
      };
      expect(raw.manifests.map((m) => m.platform.architecture).sort()).toEqual(["amd64", "arm64"]);
      const keys = await pipelineTestKeys();
      const verify = spawnSync(cosign, ["verify", "--key", keys.publicKeyFile, "--insecure-ignore-tlog=true", "--allow-http-registry", `${ref}@${digest}`], {
        encoding: "utf8",
        maxBuffer: 64 * MiB,
      });
      expect(verify.status, verify.stderr).toBe(0);
    }
    // Exactly one signature, provenance and SBOM per platform: no retry attached a second copy.
    for (const image of IMAGES) {
      const digest = (await tags(ns, image))["1.0.0"]!;
      expect((await direct.referrers(`${ns}/${image}`, digest)).length).toBe(2);
      for (const m of await direct.platformManifests(`${ns}/${image}`, digest)) expect((await direct.referrers(`${ns}/${image}`, m.digest)).length).toBe(2);
    }
  });

  it("a second run through the same flaky link pushes and signs nothing", async () => {
    expect(flaky, "the flaky publish ran first").toBeDefined();
    const ns = flaky!.ns;
    const before = await snapshot(ns);
    link.setRule(blips());
    const rerun = await publish(ns);
    link.setRule(undefined);
    expect(rerun.status, rerun.all).toBe(0);
    for (const image of IMAGES) expect(rerun.all).toContain(`${image} 1.0.0 is already published (`);
    expect(rerun.all).not.toMatch(/▶ .*: (push|sign|SBOM|SLSA v1 provenance|vulnerability report) /);
    expect(await snapshot(ns)).toEqual(before);
    observe("second run", { seconds: rerun.seconds, retries: retryLines(rerun.all) });
  });

  it("a link that never recovers fails within the bound, names the step and the registry, and moves no floating tag onto the unsigned digest", async () => {
    const ns = `down-${randomBytes(4).toString("hex")}`;
    // Every upload over 64 kB from this machine is cut, for ever: cosign's SBOM bundle never gets through. The engine's push does.
    link.setRule((c) => (c.peer === ENGINE_IP ? undefined : { cutUpload: { afterBytes: 64 * KiB } }));
    const t0 = Date.now();
    const run = await runPipeline(ws, ["publish", "fixture-base"], env(ns, { IMAGE_REGISTRY_RETRIES: "2", IMAGE_REGISTRY_RETRY_MAX_SECONDS: "20" }));
    const seconds = (Date.now() - t0) / 1000;
    link.setRule(undefined);
    expect(run.status, run.all).toBe(1);
    const attestRetries = retryLines(run.all).filter((l) => l.includes("↻ cosign attest --type spdxjson"));
    expect(attestRetries, run.all).toHaveLength(2);
    expect(attestRetries[1]).toMatch(/then retry 2 of 2$/);
    const digest = (await tags(ns, "fixture-base"))["1.0.0"];
    expect(digest).toMatch(/^sha256:/);
    expect(run.all).toContain(
      `✘ publish failed: fixture-base: ${link.host}/${ns}/fixture-base@${digest} is pushed but could not be signed and attested (cosign attest --type spdxjson ${link.host}/${ns}/fixture-base@sha256:`,
    );
    expect(run.all).toMatch(
      /\(connection dropped; gave up after 3 attempts \(IMAGE_REGISTRY_RETRIES=2\)\)\); floating tags not moved — fix the cause and re-run publish/,
    );
    expect(run.all).not.toMatch(/^\s+at /m);
    expect(await tags(ns, "fixture-base")).toEqual({ "1.0.0": digest, "1.0": null, "1": null, latest: null });
    observe("never recovers", { seconds, retries: retryLines(run.all), error: run.all.slice(run.all.indexOf("✘ publish failed")).split("\n")[0] });
  });
});
