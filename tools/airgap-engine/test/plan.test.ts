import { describe, expect, it } from "vitest";
import {
  cacheKey,
  canonicalJson,
  DAGGER_BINARIES,
  daggerBuildKey,
  engineImageRef,
  goBuildArgs,
  goEnv,
  goModEditArgs,
  HOST_PACKAGES,
  missingPackages,
  parseDpkgQuery,
  rootfsKey,
} from "../src/plan.ts";

describe("cache keys", () => {
  it("do not depend on property order", () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe('{"a":[{"c":3,"d":2}],"b":1}');
    expect(cacheKey({ a: 1, b: 2 })).toBe(cacheKey({ b: 2, a: 1 }));
    expect(cacheKey({ a: 1 })).toMatch(/^[0-9a-f]{16}$/);
  });

  it("change with the Dagger version, the toolchain and the overlay", () => {
    const base = { daggerTag: "v0.21.8", goToolchain: "go1.26.5", overlayDigest: "x" };
    const k = daggerBuildKey(base);
    expect(daggerBuildKey({ ...base })).toBe(k);
    expect(daggerBuildKey({ ...base, daggerTag: "v0.21.9" })).not.toBe(k);
    expect(daggerBuildKey({ ...base, goToolchain: "go1.26.8" })).not.toBe(k);
    expect(daggerBuildKey({ ...base, overlayDigest: "y" })).not.toBe(k);
  });

  it("treat a rootfs include list as a set", () => {
    const r = { suite: "bookworm", arch: "amd64", variant: "minbase" as const, slim: false, revision: 1 };
    expect(rootfsKey({ ...r, include: ["git", "tini"] })).toBe(rootfsKey({ ...r, include: ["tini", "git"] }));
    expect(rootfsKey({ ...r, include: ["git"] })).not.toBe(rootfsKey({ ...r, include: ["git", "tini"] }));
    expect(rootfsKey({ ...r, include: [] })).not.toBe(rootfsKey({ ...r, arch: "arm64", include: [] }));
  });

  it("change with the offline apt package set, as a set, and stay put for recipes without one", () => {
    const r = { suite: "bookworm", arch: "amd64", variant: "minbase" as const, include: [], slim: true, revision: 2 };
    const k = rootfsKey({ ...r, localPackages: ["curl", "jq"] });
    expect(rootfsKey({ ...r, localPackages: ["jq", "curl"] })).toBe(k);
    expect(rootfsKey({ ...r, localPackages: ["curl", "jq", "zip"] })).not.toBe(k);
    expect(rootfsKey(r)).not.toBe(k);
    // The key formula from before localPackages existed: the engine rootfs must not rebuild.
    expect(rootfsKey(r)).toBe(cacheKey({ kind: "rootfs", ...r, include: [] }));
  });
});

describe("Go build plan", () => {
  it("builds the five binaries upstream's engine image carries", () => {
    expect(DAGGER_BINARIES.map((b) => b.name)).toEqual(["dagger-engine", "dagger", "dagger-init", "dial-stdio", "dnsname"]);
  });

  it("stamps the version into engine and CLI and enables the dockerfile tags on the engine", () => {
    const engine = goBuildArgs(DAGGER_BINARIES[0]!, "/out/dagger-engine", "v0.21.8");
    expect(engine).toEqual([
      "build",
      "-trimpath",
      "-o",
      "/out/dagger-engine",
      "-tags",
      "dfexcludepatterns,dfparents",
      "-ldflags",
      "-s -w -X github.com/dagger/dagger/engine.Version=v0.21.8 -X github.com/dagger/dagger/engine.Tag=v0.21.8",
      "./cmd/engine",
    ]);
    const init = goBuildArgs(DAGGER_BINARIES[2]!, "/out/dagger-init", "v0.21.8");
    expect(init).toEqual(["build", "-trimpath", "-o", "/out/dagger-init", "-ldflags", "-s -w", "./cmd/init"]);
  });

  it("keeps Go on the proxy only, static, with the pinned toolchain", () => {
    const env = goEnv({ modCache: "/c/mod", buildCache: "/c/build", toolchain: "go1.26.5", proxy: "https://proxy.golang.org" });
    expect(env).toMatchObject({ GOPROXY: "https://proxy.golang.org", GOTOOLCHAIN: "go1.26.5", CGO_ENABLED: "0", GOMODCACHE: "/c/mod", GOCACHE: "/c/build" });
    expect(env.GOPROXY).not.toContain("direct");
    expect(() => goEnv({ modCache: "/c", buildCache: "/b", toolchain: "go1.26.5", proxy: "https://proxy.golang.org,direct" })).toThrow(/no "direct"/);
  });

  it("points dagger.io/dagger at the published module and refused modules at the overlay", () => {
    expect(
      goModEditArgs("v0.21.8", { replace: { "github.com/vito/tuist": "./third_party/github.com/vito/tuist", "github.com/a/b": "./third_party/a" } }),
    ).toEqual([
      "mod",
      "edit",
      "-dropreplace",
      "dagger.io/dagger",
      "-require",
      "dagger.io/dagger@v0.21.8",
      "-replace",
      "github.com/a/b=./third_party/a",
      "-replace",
      "github.com/vito/tuist=./third_party/github.com/vito/tuist",
    ]);
    expect(() => goModEditArgs("v0.21.8", { replace: { "x/y": "/abs" } })).toThrow(/relative/);
  });
});

describe("host packages", () => {
  it("parses dpkg-query and lists what is missing", () => {
    const installed = parseDpkgQuery("docker.io installed\nskopeo not-installed\nqemu-user-static:amd64 installed\n\n");
    expect([...installed]).toEqual(["docker.io", "qemu-user-static"]);
    expect(missingPackages(installed, ["docker.io", "skopeo", "qemu-user-static"])).toEqual(["skopeo"]);
  });

  it("installs what the harness and the tests after it use", () => {
    for (const p of [
      "docker.io",
      "docker-registry",
      "qemu-user-static",
      "binfmt-support",
      "debootstrap",
      "apt-utils",
      "socat",
      "skopeo",
      "shellcheck",
      "apache2-utils",
    ]) {
      expect(HOST_PACKAGES).toContain(p);
    }
  });
});

describe("engineImageRef", () => {
  it("reads version first and changes with the key", () => {
    expect(engineImageRef("image-tooling.local/dagger-engine", "v0.21.8", "abc")).toBe("image-tooling.local/dagger-engine:v0.21.8-abc");
  });
});
