import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connection, dag, type Platform } from "@dagger.io/dagger";
import { afterAll, describe, expect, it } from "vitest";
import { loadHarnessEnv } from "@image-tooling/test-support/harness-env";
import { EphemeralRegistry } from "../src/build/ephemeral-registry.ts";

// Pins the engine behaviour the parent → child hand-over rests on, on the
// harness engine in its own network: a registry bound as a Dagger service
// takes a multi-platform push, and a Dockerfile FROM the pushed digest then
// builds on every platform without any address the engine would have to
// dial. If an SDK or engine upgrade changes that, this fails first, by name.
const env = loadHarnessEnv();
const MACHINE: Record<string, string> = { "linux/amd64": "x86_64", "linux/arm64": "aarch64" };

describe("the run's registry as a bound Dagger service", () => {
  const dir = mkdtempSync(join(tmpdir(), "child-context-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("carries a two-platform parent, by digest, to a child's Dockerfile FROM on each platform", async () => {
    const marker = randomBytes(4).toString("hex");
    writeFileSync(join(dir, "Dockerfile"), 'ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nRUN echo "child of $(cat /parent) on $(uname -m)" > /child\n');
    await connection(async () => {
      const registry = await EphemeralRegistry.start(env.HARNESS_REGISTRY_IMAGE);
      try {
        const parents = new Map(
          Object.keys(MACHINE).map((platform) => [
            platform,
            dag
              .container({ platform: platform as Platform })
              .from(env.HARNESS_DEBIAN_BASE)
              .withExec(["sh", "-c", `echo parent-${marker} > /parent`]),
          ]),
        );
        const ref = await registry.push("parent", parents);
        expect(ref).toMatch(/^localhost:5000\/parent@sha256:[0-9a-f]{64}$/);
        for (const [platform, machine] of Object.entries(MACHINE)) {
          const child = dag
            .host()
            .directory(dir)
            .dockerBuild({ platform: platform as Platform, buildArgs: [{ name: "BASE_IMAGE", value: ref }] });
          expect((await child.file("/child").contents()).trim()).toBe(`child of parent-${marker} on ${machine}`);
        }
      } finally {
        await registry.stop();
      }
    });
  });
});
