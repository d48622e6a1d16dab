import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixtureWorkspace } from "@image-tooling/test-support/fixture-workspace";
import { loadHarnessEnv } from "@image-tooling/test-support/harness-env";
import { startTestRegistry, type TestRegistry } from "@image-tooling/test-support/registry-server";
import { pipelineTestKeys, runPipeline, type PipelineRun } from "@image-tooling/test-support/run-pipeline";
import type { TempWorkspace } from "@image-tooling/test-support/temp-workspace";
import { goToolBinary } from "@image-tooling/go-tool";
import { COSIGN } from "../src/attest/tools.ts";
import { RegistryClient } from "@image-tooling/oci-registry";

// A registry that needs a username and password (htpasswd, basic auth), on
// this machine's address on the harness bridge: the engine, in its own
// network, pushes to it with the credentials as a Dagger secret; cosign and
// syft read them from a private Docker config; our client sends them itself.
// The password is full of what a shell would act on, and must show nowhere.
const harness = loadHarnessEnv();
const baseDigest = harness.HARNESS_DEBIAN_BASE.split("@")[1]!;
const USER = "ci-bot";
const PASSWORD = `p@ss w'rd"$(touch /tmp/pwned)\`id\`;|&<>*?!#%^{}[]\\~$HOME`;
const NS = "private";

/** Every file under `dir`, as text (results, logs): the password must be in none. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(readFileSync(p, "utf8"));
  }
  return out;
}

describe("publish to an htpasswd registry the engine reaches in its own network", () => {
  let ws: TempWorkspace;
  let registry: TestRegistry;
  let run: PipelineRun;

  beforeAll(async () => {
    registry = await startTestRegistry({ htpasswd: [{ username: USER, password: PASSWORD }], listen: "bridge" });
    ws = fixtureWorkspace(baseDigest, ["fixture-base"]);
    run = await runPipeline(ws, ["publish", "fixture-base"], {
      IMAGE_REGISTRY: registry.host,
      IMAGE_REGISTRY_PLAIN_HTTP: "true",
      IMAGE_NAMESPACE: NS,
      REGISTRY_USERNAME: USER,
      REGISTRY_PASSWORD: PASSWORD,
    });
  });
  afterAll(async () => {
    await registry?.stop();
    ws?.dispose();
  });

  it("pushes, signs and tags with the credentials", async () => {
    expect(run.status, run.all).toBe(0);
    const client = new RegistryClient({ registry: registry.host, username: USER, password: PASSWORD, plainHttp: true, retry: { retries: 0 } });
    const digest = await client.manifestDigest(`${NS}/fixture-base`, "1.0.0");
    expect(digest).toMatch(/^sha256:/);
    for (const tag of ["1.0", "1", "latest"]) expect(await client.manifestDigest(`${NS}/fixture-base`, tag)).toBe(digest);
    expect(JSON.parse(ws.read("dist/images/fixture-base/result.json"))).toMatchObject({ status: "pushed", digest, attestations: { status: "created" } });
    // Anonymous reads are refused: the registry really does demand the password.
    await expect(
      new RegistryClient({ registry: registry.host, plainHttp: true, retry: { retries: 0 } }).manifestDigest(`${NS}/fixture-base`, "1.0.0"),
    ).rejects.toThrow(/401|unauthori[sz]ed|credentials/i);
    // cosign verify, as a user with the same login would run it.
    const config = mkdtempSync(join(tmpdir(), "htpasswd-verify-"));
    try {
      writeFileSync(
        join(config, "config.json"),
        JSON.stringify({ auths: { [registry.host]: { auth: Buffer.from(`${USER}:${PASSWORD}`).toString("base64") } } }),
      );
      const keys = await pipelineTestKeys();
      const verify = spawnSync(
        await goToolBinary(COSIGN, { env: process.env }),
        ["verify", "--key", keys.publicKeyFile, "--insecure-ignore-tlog=true", "--allow-http-registry", `${registry.host}/${NS}/fixture-base@${digest}`],
        { encoding: "utf8", env: { ...process.env, DOCKER_CONFIG: config }, maxBuffer: 64 << 20 },
      );
      expect(verify.status, verify.stderr).toBe(0);
    } finally {
      rmSync(config, { recursive: true, force: true });
    }
  });

  it("shows the password nowhere: not in the output, not in the results, and no shell acted on it", () => {
    expect(run.all).not.toContain(PASSWORD);
    // Nor any piece of it long enough to mean something, nor its base64 (a Docker config's form).
    expect(run.all).not.toContain(Buffer.from(`${USER}:${PASSWORD}`).toString("base64"));
    expect(run.all).not.toContain("$(touch /tmp/pwned)");
    for (const text of filesUnder(join(ws.root, "dist"))) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain("touch /tmp/pwned");
    }
    expect(spawnSync("test", ["-e", "/tmp/pwned"]).status).not.toBe(0);
  });
});
