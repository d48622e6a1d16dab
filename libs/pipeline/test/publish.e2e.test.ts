import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadHarnessEnv } from "@image-tooling/test-support/harness-env";
import type { TempWorkspace } from "@image-tooling/test-support/temp-workspace";
import { RegistryClient } from "@image-tooling/oci-registry";
import { fixtureWorkspace, setVersion } from "@image-tooling/test-support/fixture-workspace";
import { runPipeline } from "@image-tooling/test-support/run-pipeline";
import { freePort, startTestRegistry } from "@image-tooling/test-support/registry-server";
import { INPUTS_DIGEST_LABEL } from "../src/build/labels.ts";

// End to end on the harness: a real Dagger engine, in its own container
// network as the Dagger CLI starts engines for users, builds the fixtures from
// the mirrored Debian base, smoke-tests both platforms (arm64 under qemu) and
// publishes to the harness registry over the network — at this machine's
// address on the engine's bridge, as CI reaches Docker Hub — where the
// pipeline's own client reaches it too. Tests read back with that client and
// with clients nobody here wrote (skopeo; docker pull + run).
const harness = loadHarnessEnv();
const REGISTRY = harness.HARNESS_ENGINE_REGISTRY;
const baseDigest = harness.HARNESS_DEBIAN_BASE.split("@")[1]!;
const registry = new RegistryClient({ registry: REGISTRY, plainHttp: true });
const target = (ns: string) => ({ IMAGE_REGISTRY: REGISTRY, IMAGE_REGISTRY_PLAIN_HTTP: "true", IMAGE_NAMESPACE: ns });

const namespace = () => `e2e-${randomBytes(4).toString("hex")}`;
// Publish signs and attests each digest; on this registry (no referrers API) the
// bundles hang off a `sha256-<hex>` tag, which is not one of the image's tags.
const tagsOf = async (repo: string) => (await registry.listTags(repo)).filter((t) => !/^sha256-[0-9a-f]{64}$/.test(t)).sort();
const digestOf = (repo: string, tag: string) => registry.manifestDigest(repo, tag);

describe("publish to a real registry", () => {
  let ws: TempWorkspace;
  const ns = namespace();
  const env = target(ns);
  const publish = (image: string, ...args: string[]) => runPipeline(ws, ["publish", image, ...args], env);

  beforeAll(() => {
    ws = fixtureWorkspace(baseDigest);
  });
  afterAll(() => ws?.dispose());

  it("publishes parent and child as two-platform indexes with their labels, the child on the parent's published digest", async () => {
    const parentRun = await publish("fixture-base");
    expect(parentRun.status, parentRun.all).toBe(0);
    const childRun = await publish("fixture-child");
    expect(childRun.status, childRun.all).toBe(0);

    for (const image of ["fixture-base", "fixture-child"]) {
      const repo = `${ns}/${image}`;
      expect(await tagsOf(repo)).toEqual(["1", "1.0", "1.0.0", "latest"]);
      const digest = await digestOf(repo, "1.0.0");
      for (const tag of ["1", "1.0", "latest"]) expect(await digestOf(repo, tag)).toBe(digest);
      const platforms = (await registry.platformManifests(repo, digest!)).map((m) => m.platform).sort();
      expect(platforms).toEqual(["linux/amd64", "linux/arm64"]);
      for (const platform of platforms) {
        const labels = (await registry.imageConfig(repo, digest!, platform)).config?.Labels ?? {};
        expect(labels).toMatchObject({
          "org.opencontainers.image.title": image,
          "org.opencontainers.image.version": "1.0.0",
          "org.opencontainers.image.revision": ws.git("rev-parse", "HEAD"),
          "org.opencontainers.image.licenses": "Apache-2.0",
          [INPUTS_DIGEST_LABEL]: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
        });
        expect(labels["org.opencontainers.image.created"]).toBe(ws.git("show", "-s", "--format=%cI", "HEAD"));
        expect(labels["org.opencontainers.image.description"]).toMatch(/^Test fixture/);
      }
      // The result file agrees with the registry.
      const result = JSON.parse(ws.read(`dist/images/${image}/result.json`));
      expect(result).toMatchObject({ image, status: "pushed", digest, tags: { "1.0.0": { action: "create", digest }, latest: { action: "create", digest } } });
    }

    const parentDigest = await digestOf(`${ns}/fixture-base`, "1.0.0");
    const childLabels = (await registry.imageConfig(`${ns}/fixture-child`, "1.0.0", "linux/arm64")).config?.Labels ?? {};
    expect(childLabels["org.opencontainers.image.base.digest"]).toBe(parentDigest);
    expect(childLabels["org.opencontainers.image.base.name"]).toBe(`${REGISTRY}/${ns}/fixture-base:1.0.0`);
    const parentLabels = (await registry.imageConfig(`${ns}/fixture-base`, "1.0.0", "linux/amd64")).config?.Labels ?? {};
    expect(parentLabels["org.opencontainers.image.base.digest"]).toBe(baseDigest);
  });

  it("what was published reads back with skopeo, and docker pulls and runs the child on both platforms", async () => {
    const repo = `${ns}/fixture-child`;
    const digest = await digestOf(repo, "1.0.0");
    const raw = JSON.parse(execFileSync("skopeo", ["inspect", "--raw", "--tls-verify=false", `docker://${REGISTRY}/${repo}:1.0.0`], { encoding: "utf8" }));
    expect(raw.manifests.map((m: { platform: { os: string; architecture: string } }) => `${m.platform.os}/${m.platform.architecture}`).sort()).toEqual([
      "linux/amd64",
      "linux/arm64",
    ]);
    const skopeoDigest = execFileSync("skopeo", ["inspect", "--tls-verify=false", "--format", "{{.Digest}}", `docker://${REGISTRY}/${repo}:1`], {
      encoding: "utf8",
    }).trim();
    expect(skopeoDigest).toBe(digest);
    // Docker treats only loopback registries as insecure by default: it pulls the same registry through 127.0.0.1.
    const pulled = `${harness.HARNESS_REGISTRY}/${repo}@${digest}`;
    for (const [platform, machine] of [
      ["linux/amd64", "x86_64"],
      ["linux/arm64", "aarch64"],
    ] as const) {
      execFileSync("docker", ["pull", "--quiet", "--platform", platform, pulled], { encoding: "utf8" });
      const out = execFileSync("docker", ["run", "--rm", "--platform", platform, pulled, "sh", "-c", "child-tool && hello"], { encoding: "utf8" });
      expect(out).toContain("child-tool on fixture-base");
      expect(out).toContain(`hello from ${machine} as 10001`);
      // Docker's classic store keeps one platform per index digest ("Cannot overwrite digest"): drop it before the next.
      execFileSync("docker", ["image", "rm", "--force", pulled], { stdio: "ignore" });
    }
  });

  it("a re-run pushes nothing and leaves the immutable tag's digest unchanged", async () => {
    const before = Object.fromEntries(await Promise.all(["1", "1.0", "1.0.0", "latest"].map(async (t) => [t, await digestOf(`${ns}/fixture-base`, t)])));
    const again = await publish("fixture-base");
    expect(again.status, again.all).toBe(0);
    expect(again.all).toContain("fixture-base 1.0.0 is already published");
    expect(again.all).not.toMatch(/▶ .*(build|push|smoke)/);
    const after = Object.fromEntries(await Promise.all(["1", "1.0", "1.0.0", "latest"].map(async (t) => [t, await digestOf(`${ns}/fixture-base`, t)])));
    expect(after).toEqual(before);
    expect(JSON.parse(ws.read("dist/images/fixture-base/result.json"))).toMatchObject({ status: "skipped", digest: before["1.0.0"] });
  });

  it("moves floating tags only forward: 1.0.0, 2.0.0, then 1.0.1 leaves latest on 2.0.0", async () => {
    const repo = `${ns}/fixture-base`;
    setVersion(ws, "fixture-base", "2.0.0");
    ws.append("packages/fixture-base/hello", "# 2.0.0\n");
    ws.commitAll("2.0.0");
    expect((await publish("fixture-base")).status).toBe(0);
    const v2 = await digestOf(repo, "2.0.0");

    setVersion(ws, "fixture-base", "1.0.1");
    ws.append("packages/fixture-base/hello", "# 1.0.1\n");
    ws.commitAll("1.0.1 hotfix");
    const hotfix = await publish("fixture-base");
    expect(hotfix.status, hotfix.all).toBe(0);
    const v101 = await digestOf(repo, "1.0.1");

    expect(v101).not.toBe(v2);
    expect(await digestOf(repo, "latest")).toBe(v2);
    expect(await digestOf(repo, "2")).toBe(v2);
    expect(await digestOf(repo, "1")).toBe(v101);
    expect(await digestOf(repo, "1.0")).toBe(v101);
    expect(hotfix.all).toMatch(/skip\s+latest\s+2\.0\.0 is newer/);
  });

  it("a branch channel pushes <version>-<branch>.<sha7> and moves no floating tag", async () => {
    const repo = `${ns}/fixture-base`;
    const floatingBefore = await Promise.all(["1", "1.0", "2", "latest"].map((t) => digestOf(repo, t)));
    ws.append("packages/fixture-base/hello", "# branch work\n");
    ws.commitAll("branch work");
    const sha7 = ws.git("rev-parse", "HEAD").slice(0, 7);
    const run = await runPipeline(ws, ["publish", "fixture-base", "--channel", "branch", "--branch", "feature/try-it"], env);
    expect(run.status, run.all).toBe(0);
    const tag = `1.0.1-feature-try-it.${sha7}`;
    expect(await tagsOf(repo)).toContain(tag);
    expect(await Promise.all(["1", "1.0", "2", "latest"].map((t) => digestOf(repo, t)))).toEqual(floatingBefore);
  });

  it("--dry-run prints the plan and pushes nothing", async () => {
    setVersion(ws, "fixture-base", "1.1.0");
    ws.commitAll("1.1.0");
    const before = await tagsOf(`${ns}/fixture-base`);
    const run = await publish("fixture-base", "--dry-run");
    expect(run.status, run.all).toBe(0);
    expect(run.all).toMatch(/create\s+1\.1\.0\s+new version/);
    expect(run.all).toMatch(/create\s+1\.1\s+new line/);
    expect(run.all).toMatch(/move\s+1\s+forward/);
    expect(run.all).toMatch(/skip\s+latest\s+2\.0\.0 is newer/);
    expect(run.all).toContain("dry run: nothing built, nothing pushed");
    expect(await tagsOf(`${ns}/fixture-base`)).toEqual(before);
  });
});

describe("a child builds and smoke-tests on its parent from the same run, on an engine in its own network", () => {
  let ws: TempWorkspace;
  beforeAll(() => {
    ws = fixtureWorkspace(baseDigest);
  });
  afterAll(() => ws?.dispose());

  it("a child smoke builds on its same-run parent on an engine in its own network (amd64 + arm64), run as users run it: npx nx run fixture-child:smoke", () => {
    // No registry configured at all: the parent travels through the run's own registry, a Dagger service.
    const run = ws.nx("run", "fixture-child:smoke");
    expect(run.status, run.output).toBe(0);
    expect(run.output).toContain("fixture-base: push to the run's registry (a Dagger service) for its children");
    for (const platform of ["linux/amd64", "linux/arm64"]) expect(run.output).toContain(`✔ [${platform}] child tool sees the parent's files`);
    const result = JSON.parse(ws.read("dist/images/fixture-child/result.json"));
    expect(result).toMatchObject({
      image: "fixture-child",
      status: "passed",
      base: expect.stringMatching(/^localhost:5000\/fixture-base@sha256:[0-9a-f]{64}$/),
    });
  });

  it("the same child smoke on the engine reached as a remote one is (tcp://), sharing nothing with this machine", async () => {
    const run = await runPipeline(ws, ["smoke", "fixture-child"], { _EXPERIMENTAL_DAGGER_RUNNER_HOST: harness.HARNESS_ENGINE_TCP });
    expect(run.status, run.all).toBe(0);
    for (const platform of ["linux/amd64", "linux/arm64"]) expect(run.all).toContain(`✔ [${platform}] parent's tool is inherited`);
  });

  it("build of the child records the parent it built on, by digest", async () => {
    const run = await runPipeline(ws, ["build", "fixture-child"], {});
    expect(run.status, run.all).toBe(0);
    const record = JSON.parse(ws.read("dist/images/fixture-child/build.json"));
    expect(record.base).toMatch(/^localhost:5000\/fixture-base@sha256:[0-9a-f]{64}$/);
    expect(record.platforms).toEqual(["linux/amd64", "linux/arm64"]);
  });
});

describe("publish refuses, clearly, and leaves the registry as it was", () => {
  let ws: TempWorkspace;
  beforeAll(() => {
    ws = fixtureWorkspace(baseDigest, ["fixture-base"]);
  });
  afterAll(() => ws?.dispose());

  it("a failing smoke check pushes nothing and says which check, platform and output", async () => {
    const ns = namespace();
    ws.write(
      "packages/fixture-base/smoke.yaml",
      `${ws.read("packages/fixture-base/smoke.yaml")}  - name: expects the wrong greeting\n    run: [hello]\n    stdout: '^goodbye'\n`,
    );
    ws.commitAll("failing smoke");
    const run = await runPipeline(ws, ["publish", "fixture-base"], target(ns));
    expect(run.status).toBe(1);
    expect(run.all).toContain('fixture-base [linux/amd64] run check "expects the wrong greeting"');
    expect(run.all).toContain('fixture-base [linux/arm64] run check "expects the wrong greeting"');
    expect(run.all).toContain("stdout does not match /^goodbye/");
    expect(run.all).toMatch(/hello from (x86_64|aarch64) as 10001/);
    expect(await registry.listTags(`${ns}/fixture-base`)).toEqual([]);
    expect(JSON.parse(ws.read("dist/images/fixture-base/result.json"))).toMatchObject({ status: "failed" });
    ws.git("reset", "-q", "--hard", "HEAD~1");
  });

  it("a Dockerfile that fails to build: one clear error naming image, platform, Dockerfile line and command; nothing pushed; a failed result", async () => {
    const ns = namespace();
    ws.append("packages/fixture-base/Dockerfile", "RUN echo 'about to fail' >&2 && exit 3\n");
    const line = ws.read("packages/fixture-base/Dockerfile").trimEnd().split("\n").length;
    ws.commitAll("broken build");
    const run = await runPipeline(ws, ["publish", "fixture-base"], target(ns));
    expect(run.status).toBe(1);
    expect(run.all).toMatch(
      new RegExp(
        `fixture-base \\[linux/(amd64|arm64)\\]: the Dockerfile did not build: packages/fixture-base/Dockerfile line ${line} failed with exit code 3\n    RUN echo 'about to fail' >&2 && exit 3\n`,
      ),
    );
    expect(run.all).toContain("about to fail");
    expect(run.all).not.toMatch(/^\s+at /m);
    // No line of the engine's internals (its IDs run to kilobytes) reaches the user.
    expect(run.all.split("\n").every((l) => l.length < 1000)).toBe(true);
    expect(await registry.listTags(`${ns}/fixture-base`)).toEqual([]);
    expect(JSON.parse(ws.read("dist/images/fixture-base/result.json"))).toMatchObject({
      status: "failed",
      notice: "nothing was written to the registry; not written: 1.0.0, 1.0, 1, latest",
      error: expect.stringContaining("the Dockerfile did not build"),
    });
    ws.git("reset", "-q", "--hard", "HEAD~1");
  });

  it("a registry on this machine's loopback, out of the engine's reach: one clear error saying why and what to do, nothing pushed", async () => {
    const ns = namespace();
    const loopback = harness.HARNESS_REGISTRY;
    const run = await runPipeline(ws, ["publish", "fixture-base"], { IMAGE_REGISTRY: loopback, IMAGE_NAMESPACE: ns });
    expect(run.status).toBe(1);
    expect(run.all).toContain(`fixture-base: push of ${loopback}/${ns}/fixture-base:1.0.0 failed`);
    expect(run.all).toContain(`${loopback} is a loopback address, and the Dagger engine pushes and pulls from its own network`);
    expect(run.all).toContain("IMAGE_REGISTRY_PLAIN_HTTP=true");
    expect(run.all).not.toMatch(/^\s+at /m);
    expect(await new RegistryClient({ registry: loopback }).listTags(`${ns}/fixture-base`)).toEqual([]);
  });

  it("a registry that is down gives a clear error before any build", async () => {
    const down = `127.0.0.1:${await freePort()}`;
    const run = await runPipeline(ws, ["publish", "fixture-base"], { IMAGE_REGISTRY: down, IMAGE_NAMESPACE: "down", IMAGE_REGISTRY_RETRIES: "1" });
    expect(run.status).toBe(1);
    expect(run.all).toContain(`cannot reach registry ${down} (connection refused): is it running? check IMAGE_REGISTRY`);
    expect(run.all).not.toMatch(/▶ .*build/);
    expect(JSON.parse(ws.read("dist/images/fixture-base/result.json"))).toMatchObject({
      status: "failed",
      error: expect.stringContaining("connection refused"),
    });
  });

  it("wrong credentials: a clear error, nothing pushed, and the secret appears in no output", async () => {
    const secret = `S3cret-${randomBytes(6).toString("hex")}`;
    const authed = await startTestRegistry({ htpasswd: [{ username: "ci", password: secret }] });
    try {
      const wrong = `${secret}-wrong`;
      const run = await runPipeline(ws, ["publish", "fixture-base"], {
        IMAGE_REGISTRY: authed.host,
        IMAGE_NAMESPACE: "team",
        REGISTRY_USERNAME: "ci",
        REGISTRY_PASSWORD: wrong,
      });
      expect(run.status).toBe(1);
      expect(run.all).toContain(`registry ${authed.host} rejected the credentials`);
      expect(run.all).toContain("REGISTRY_PASSWORD");
      expect(run.all).not.toMatch(/▶ .*build/);
      const outputs = [
        run.all,
        existsSync(join(ws.root, "dist/images/fixture-base/result.json")) ? ws.read("dist/images/fixture-base/result.json") : "",
        authed.output(),
      ];
      for (const text of outputs) expect(text).not.toContain(secret);
      const ok = new RegistryClient({ registry: authed.host, username: "ci", password: secret });
      expect(await ok.listTags("team/fixture-base")).toEqual([]);
    } finally {
      await authed.stop();
    }
  });
});

describe("smoke checks catch what they claim to", () => {
  let ws: TempWorkspace;
  beforeAll(() => {
    ws = fixtureWorkspace(baseDigest, ["fixture-base"]);
    // An entrypoint that runs the command as a child instead of exec'ing it,
    // and a check that writes to the root filesystem.
    // (not the last command: dash would exec a final command by itself)
    ws.write("packages/fixture-base/entrypoint", '#!/bin/sh\n"$@"\nexit $?\n');
    ws.write(
      "packages/fixture-base/smoke.yaml",
      [
        "checks:",
        "  - name: signals reach the command",
        "    signal: TERM",
        "  - name: writes to the root filesystem",
        "    readOnlyRootfs: true",
        "    entrypoint: false",
        "    run: [sh, -c, 'echo x > /etc/smoke-write']",
        "  - name: the file is not a directory",
        "    file: /usr/local/bin/hello",
        "    type: directory",
        "    mode: '0700'",
        "",
      ].join("\n"),
    );
    ws.commitAll("broken entrypoint");
  });
  afterAll(() => ws?.dispose());

  it("fail the signal, read-only and file checks, naming each", async () => {
    const run = await runPipeline(ws, ["smoke", "fixture-base"], {});
    expect(run.status).toBe(1);
    expect(run.all).toContain("6 of 6 smoke checks failed");
    for (const platform of ["linux/amd64", "linux/arm64"]) expect(run.all).toContain(`fixture-base [${platform}] signal check "signals reach the command"`);
    expect(run.all).toContain('signal check "signals reach the command"');
    expect(run.all).toContain("SIGTERM did not reach the command");
    expect(run.all).toMatch(/run check "writes to the root filesystem":[\s\S]*exit code [1-9]\d*, expected 0[\s\S]*Read-only file system/);
    expect(run.all).toContain("type is regular file, expected directory; mode is 0755, expected 0700");
  });
});
