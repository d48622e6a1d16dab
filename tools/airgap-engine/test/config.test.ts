import { describe, expect, it } from "vitest";
import { ConfigError, daggerVersionFromLockfile, dockerHubRef, resolveConfig } from "../src/config.ts";

const lock = (version: unknown) => ({ packages: { "node_modules/@dagger.io/dagger": { version } } });

describe("daggerVersionFromLockfile", () => {
  it("reads the exact SDK version", () => {
    expect(daggerVersionFromLockfile(lock("0.21.8"))).toBe("0.21.8");
  });

  it.each([[{}], [lock(undefined)], [lock("^0.21.8")], [lock("0.21")], [null]])("refuses %j with a fix", (l) => {
    expect(() => daggerVersionFromLockfile(l)).toThrow(ConfigError);
    expect(() => daggerVersionFromLockfile(l)).toThrow(/npm install/);
  });
});

describe("resolveConfig", () => {
  it("uses the documented default directories and the loopback registry", () => {
    const cfg = resolveConfig({ env: {}, repoRoot: "/repo", lockfile: lock("0.21.8") });
    expect(cfg.daggerTag).toBe("v0.21.8");
    expect(cfg.goToolchain).toBe("go1.26.5");
    expect(cfg.cacheDir).toBe("/var/cache/image-tooling");
    expect(cfg.stateDir).toBe("/var/lib/image-tooling/harness");
    expect(cfg.envFile).toBe("/var/lib/image-tooling/harness/env");
    expect(cfg.registry.addr).toBe("127.0.0.1:5000");
    expect(cfg.registry.storageDir).toBe("/var/lib/image-tooling/harness/registry/data");
    expect(cfg.go.modCache).toBe("/var/cache/image-tooling/go/mod");
    expect(cfg.debian.archs).toEqual(["amd64", "arm64"]);
    expect(cfg.goProxy).toBe("https://proxy.golang.org");
    expect(cfg.progressIntervalMs).toBe(30_000);
  });

  it("takes the progress interval from HARNESS_PROGRESS_SECONDS; an unusable value keeps the 30 s default", () => {
    const at = (v: string) => resolveConfig({ env: { HARNESS_PROGRESS_SECONDS: v }, repoRoot: "/repo", lockfile: lock("0.21.8") }).progressIntervalMs;
    expect(at("5")).toBe(5_000);
    expect(at("0.5")).toBe(500);
    for (const bad of ["", "0", "-1", "soon"]) expect(at(bad)).toBe(30_000);
  });

  it("lets the environment move cache and state", () => {
    const cfg = resolveConfig({
      env: {
        IMAGE_TOOLING_CACHE_DIR: "/big/cache",
        IMAGE_TOOLING_STATE_DIR: "/run/h",
        IMAGE_TOOLING_DEBIAN_MIRROR: "http://mirror.local/debian",
        IMAGE_TOOLING_GOPROXY: "https://goproxy.corp/",
      },
      repoRoot: "/repo",
      lockfile: lock("0.21.8"),
    });
    expect(cfg.dagger.root).toBe("/big/cache/dagger");
    expect(cfg.envFile).toBe("/run/h/env");
    expect(cfg.engine.configFile).toBe("/run/h/engine/engine.json");
    expect(cfg.debian.mirror).toBe("http://mirror.local/debian");
    expect(cfg.goProxy).toBe("https://goproxy.corp");
  });
});

describe("dockerHubRef", () => {
  it("names seeded images the way the engine's docker.io mirror resolves them", () => {
    expect(dockerHubRef("library/debian", "bookworm-slim")).toBe("docker.io/library/debian:bookworm-slim");
    expect(dockerHubRef("library/registry", "2", "sha256:ab")).toBe("docker.io/library/registry:2@sha256:ab");
  });
});
