import { readFileSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { resolveConfig } from "../src/config.ts";
import { loadHarnessEnv } from "@image-tooling/test-support/harness-env";

const env = loadHarnessEnv();
const root = path.resolve(import.meta.dirname, "..", "..", "..");
const cfg = resolveConfig({ env: process.env, repoRoot: root, lockfile: JSON.parse(readFileSync(path.join(root, "package-lock.json"), "utf8")) });
const harness = (...args: string[]) => execa("npx", ["tsx", "tools/airgap-engine/src/cli.ts", ...args], { cwd: root, reject: false, all: true });

describe("provision on a provisioned machine", () => {
  it("rebuilds nothing and finishes in well under a minute", async () => {
    const started = Date.now();
    const run = await harness("provision");
    expect(run.exitCode, run.all).toBe(0);
    expect(Date.now() - started).toBeLessThan(60_000);
    if (process.getuid?.() === 0) {
      const timings = JSON.parse(readFileSync(cfg.timingsFile, "utf8")) as { wallMs: number; steps: Array<{ step: string; outcome: string }> };
      const redone = timings.steps.filter((s) => s.outcome !== "cached" && s.step !== "verify");
      expect(redone, run.all).toEqual([]);
      expect(timings.wallMs).toBeLessThan(60_000);
    } else {
      expect(run.all).toMatch(/already provisioned/);
    }
    // The env file is unchanged, so running tests keep a valid view of the harness.
    expect(loadHarnessEnv(env.HARNESS_ENV_FILE).HARNESS_DEBIAN_BASE).toBe(env.HARNESS_DEBIAN_BASE);
  });

  it("reports the engine, the registry's seeded indexes and the env file in status --json", async () => {
    const run = await harness("status", "--json");
    expect(run.exitCode, run.all).toBe(0);
    const status = JSON.parse(run.stdout);
    expect(status.engine).toMatchObject({ running: true, version: `v${env.HARNESS_DAGGER_VERSION}` });
    expect(status.registry.running).toBe(true);
    const debian = status.registry.repositories.find((r: { name: string }) => r.name === "library/debian");
    expect(debian.tags.map((t: { tag: string }) => t.tag)).toEqual(["12-slim", "bookworm-slim"]);
    expect(debian.tags[1].digest).toBe(env.HARNESS_DEBIAN_BASE.split("@")[1]);
    expect(debian.tags[1].platforms).toEqual(["linux/amd64", "linux/arm64/v8"]);
    expect(status.envFile.present).toBe(true);
  });
});
