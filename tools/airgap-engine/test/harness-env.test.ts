import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { harnessEnvVars, renderEnvFile } from "../src/render.ts";
import { harnessEnvPath, HarnessEnvMissingError, loadHarnessEnv } from "@image-tooling/test-support/harness-env";
import { sampleEnvInput } from "./support/env-input.ts";

let dir: string;
const saved = { ...process.env };

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "harness-env-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
});

function envFileWith(overrides: Partial<Record<string, string>> = {}): string {
  const cli = path.join(dir, "dagger");
  writeFileSync(cli, "#!/bin/sh\n");
  const vars = {
    ...harnessEnvVars(sampleEnvInput({ cliBin: cli, envFile: path.join(dir, "env") })),
    ...overrides,
  };
  const file = path.join(dir, "env");
  writeFileSync(file, renderEnvFile(Object.fromEntries(Object.entries(vars).filter(([, v]) => v !== "")) as Record<string, string>));
  return file;
}

describe("loadHarnessEnv", () => {
  it("defaults to the state dir's env file", () => {
    expect(harnessEnvPath({})).toBe("/var/lib/image-tooling/harness/env");
    expect(harnessEnvPath({ IMAGE_TOOLING_STATE_DIR: "/tmp/h" })).toBe("/tmp/h/env");
  });

  it("throws, telling what to run, when the harness is not provisioned", () => {
    const missing = path.join(dir, "nope", "env");
    expect(() => loadHarnessEnv(missing)).toThrow(HarnessEnvMissingError);
    expect(() => loadHarnessEnv(missing)).toThrow(/run: npm run harness -- provision/);
  });

  it("throws when the file lacks a required variable", () => {
    const file = envFileWith({ HARNESS_DEBIAN_BASE: "" });
    expect(() => loadHarnessEnv(file)).toThrow(/lacks HARNESS_DEBIAN_BASE[\s\S]*npm run harness -- provision/);
  });

  it("throws when the CLI it names is gone", () => {
    const file = envFileWith({ _EXPERIMENTAL_DAGGER_CLI_BIN: "/nonexistent/dagger" });
    expect(() => loadHarnessEnv(file)).toThrow(/no longer exists[\s\S]*npm run harness -- provision/);
  });

  it("loads the variables into process.env without overriding what is already set", () => {
    delete process.env._EXPERIMENTAL_DAGGER_RUNNER_HOST;
    process.env.HARNESS_REGISTRY = "127.0.0.1:5999";
    const env = loadHarnessEnv(envFileWith());
    expect(process.env._EXPERIMENTAL_DAGGER_RUNNER_HOST).toBe("docker-container://image-tooling-dagger-engine");
    expect(process.env.DO_NOT_TRACK).toBe("1");
    expect(env.HARNESS_REGISTRY).toBe("127.0.0.1:5999");
    expect(env.HARNESS_DEBIAN_BASE).toMatch(/@sha256:a{64}$/);
  });
});
