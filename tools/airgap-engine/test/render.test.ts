import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseEnv } from "node:util";
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import {
  harnessEnvVars,
  renderEngineEntrypoint,
  renderEngineJson,
  renderEnvFile,
  renderRegistryConfig,
  renderRegistryImageConfig,
  renderSlimScript,
  slimConfigFiles,
} from "../src/render.ts";
import { REQUIRED_ENV_KEYS } from "@image-tooling/harness-env";
import { sampleEnvInput } from "./support/env-input.ts";

const vars = harnessEnvVars(sampleEnvInput());

describe("env file", () => {
  it("holds everything tests and users need, telemetry off", () => {
    expect(vars).toMatchObject({
      _EXPERIMENTAL_DAGGER_CLI_BIN: "/var/cache/image-tooling/dagger/v0.21.8-abc/bin/dagger",
      _EXPERIMENTAL_DAGGER_RUNNER_HOST: "docker-container://image-tooling-dagger-engine",
      DO_NOT_TRACK: "1",
      DAGGER_NO_NAG: "1",
      DAGGER_NO_UPDATE_CHECK: "1",
      HARNESS_REGISTRY: "127.0.0.1:5000",
      HARNESS_ENGINE_TOPOLOGY: "bridge",
      HARNESS_BRIDGE_HOST: "172.17.0.1",
      HARNESS_ENGINE_REGISTRY: "172.17.0.1:5000",
      HARNESS_TEST_PORTS: "5001-5019",
      HARNESS_ENGINE_TCP: "tcp://172.17.0.2:1234",
      HARNESS_DAGGER_VERSION: "0.21.8",
      HARNESS_PLATFORMS: "linux/amd64,linux/arm64",
    });
    for (const key of REQUIRED_ENV_KEYS) expect(vars[key], key).toBeTruthy();
  });

  it("reads back identically with Node's dotenv parser and with sh", () => {
    const text = renderEnvFile(vars, ["generated"]);
    expect(text.startsWith("# generated\n")).toBe(true);
    expect(parseEnv(text)).toEqual(vars);
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), "envfile-")), "env");
    writeFileSync(file, text);
    const fromShell = execFileSync("/bin/sh", ["-c", '. "$0"; /usr/bin/env', file], { env: {} }).toString();
    rmSync(path.dirname(file), { recursive: true });
    const shellVars = Object.fromEntries(
      fromShell
        .trim()
        .split("\n")
        .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
    );
    for (const [k, v] of Object.entries(vars)) expect(shellVars[k], k).toBe(v);
  });

  it.each([["has space"], ["quote'"], ['dq"'], ["$(rm -rf /)"], ["new\nline"], ["back`tick"]])("refuses a value a shell would read differently: %j", (v) => {
    expect(() => renderEnvFile({ X: v })).toThrow(/read differently/);
  });

  it("refuses invalid names", () => {
    expect(() => renderEnvFile({ "1X": "a" })).toThrow(/invalid env variable name/);
  });
});

describe("engine.json", () => {
  it("mirrors docker.io to the registry at the bridge address, and speaks plain HTTP only to it, its test ports and the run's service registry", () => {
    const doc = JSON.parse(renderEngineJson({ bridgeHost: "172.17.0.1", registryPort: 5000, testPorts: { first: 5001, last: 5003 } }));
    expect(doc.registries).toEqual({
      "docker.io": { mirrors: ["172.17.0.1:5000"] },
      "172.17.0.1:5000": { http: true },
      "localhost:5000": { http: true },
      "172.17.0.1:5001": { http: true },
      "172.17.0.1:5002": { http: true },
      "172.17.0.1:5003": { http: true },
    });
    // The engine has its own loopback: the machine's 127.0.0.1 is nothing to it.
    expect(Object.keys(doc.registries)).not.toContain("127.0.0.1:5000");
    expect(doc.logLevel).toBe("info");
  });
});

describe("registry configs", () => {
  it("binds the harness registry to loopback with storage in the given dir", () => {
    const doc = parseYaml(renderRegistryConfig({ addr: "127.0.0.1:5000", storageDir: "/s/data" }));
    expect(doc.version).toBe(0.1);
    expect(doc.http.addr).toBe("127.0.0.1:5000");
    expect(doc.storage.filesystem.rootdirectory).toBe("/s/data");
    expect(doc.storage.delete.enabled).toBe(true);
  });

  it("gives the seeded registry:2 upstream's port and data dir", () => {
    const doc = parseYaml(renderRegistryImageConfig());
    expect(doc.http.addr).toBe(":5000");
    expect(doc.storage.filesystem.rootdirectory).toBe("/var/lib/registry");
  });
});

describe("engine entrypoint", () => {
  it("raises the fd limit and execs the engine under tini with the TOML config", () => {
    const script = renderEngineEntrypoint();
    expect(script.startsWith("#!/bin/sh\n")).toBe(true);
    expect(script).toContain("ulimit -n 1048576");
    expect(script.trimEnd().split("\n").pop()).toBe('exec tini -- /usr/local/bin/dagger-engine --config /etc/dagger/engine.toml "$@"');
  });

  it("is valid sh", () => {
    execFileSync("sh", ["-n"], { input: renderEngineEntrypoint() });
    execFileSync("sh", ["-n"], { input: renderSlimScript() });
  });
});

describe("slim configuration", () => {
  it("keeps docs, man pages and locales out of later installs, copyrights in", () => {
    const dpkg = slimConfigFiles()["etc/dpkg/dpkg.cfg.d/docker"]!;
    expect(dpkg).toContain("path-exclude /usr/share/doc/*");
    expect(dpkg).toContain("path-include /usr/share/doc/*/copyright");
    expect(dpkg).toContain("path-exclude /usr/share/man/*");
    expect(dpkg).toContain("path-exclude /usr/share/locale/*");
    expect(slimConfigFiles()["usr/sbin/policy-rc.d"]).toContain("exit 101");
  });
});
