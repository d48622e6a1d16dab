import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  checkPackageNames,
  LOCAL_APT_DIR,
  LOCAL_APT_PACKAGES,
  LOCAL_APT_SOURCES_FILE,
  renderAptDownloadScript,
  renderLocalAptSources,
  renderLocalRepoScript,
} from "../src/local-apt.ts";
import { OFFLINE_BUILT_IMAGES } from "@image-tooling/test-support/workspace-images";

const PACKAGES = path.resolve(import.meta.dirname, "../../../packages");

/** Package names of every `apt-get install … --no-install-recommends a b c` written out in a Dockerfile. */
function literalAptInstalls(dockerfile: string): string[] {
  const text = dockerfile.replace(/\\\n/g, " ");
  return [...text.matchAll(/apt-get install\b[^\n&|;]*?--no-install-recommends((?: +[a-z0-9][a-z0-9+.-]+)+)/g)].flatMap((m) => m[1]!.trim().split(/ +/));
}

const lockPackages = (image: string): string[] =>
  (JSON.parse(readFileSync(path.join(PACKAGES, image, "tools.lock.json"), "utf8")) as { debian: { packages: string[] } }).debian.packages;

describe("the offline apt repository's package set", () => {
  it("holds what the real Dockerfiles built on this machine install (fetch stages and the locks' packages)", () => {
    // The images packages/toolbox-base/test/dockerfile-build.e2e.test.ts builds here.
    const images = OFFLINE_BUILT_IMAGES;
    expect(images).toContain("toolbox-base");
    const wanted = new Set(
      images.flatMap((image) => [...literalAptInstalls(readFileSync(path.join(PACKAGES, image, "Dockerfile"), "utf8")), ...lockPackages(image)]),
    );
    expect([...wanted].sort()).toEqual(expect.arrayContaining(["ca-certificates", "curl", "git", "jq", "tini", "unzip"]));
    expect([...wanted].filter((p) => !LOCAL_APT_PACKAGES.includes(p))).toEqual([]);
  });

  it("holds what the fetch-tools e2e fixtures install (server: openssl zip)", () => {
    for (const p of ["openssl", "zip", "ca-certificates", "curl", "jq", "unzip"]) expect(LOCAL_APT_PACKAGES).toContain(p);
  });

  it("reads apt-get lines the way the Dockerfiles write them", () => {
    const dockerfile =
      "RUN apt-get update \\\n && apt-get install -y --no-install-recommends ca-certificates curl \\\n && rm -rf /x\nRUN xargs -a /meta/p apt-get install -y --no-install-recommends \\\n && true\n";
    expect(literalAptInstalls(dockerfile)).toEqual(["ca-certificates", "curl"]);
  });

  it("accepts Debian package names only", () => {
    expect(checkPackageNames(LOCAL_APT_PACKAGES)).toBe(LOCAL_APT_PACKAGES);
    expect(checkPackageNames(["libstdc++6", "python3.11-venv"])).toEqual(["libstdc++6", "python3.11-venv"]);
    expect(() => checkPackageNames([])).toThrow(/at least one/);
    expect(() => checkPackageNames(["curl", "jq; rm -rf /", "Curl"])).toThrow(/not Debian package names: "jq; rm -rf \/", "Curl"/);
  });
});

describe("offline apt sources", () => {
  it("name only the local file repository, trusted because the image digest pins its .debs", () => {
    const text = renderLocalAptSources(["curl", "jq"]);
    const lines = text.split("\n").filter((l) => l.trim() && !l.startsWith("#"));
    expect(lines).toEqual([`deb [trusted=yes] file:${LOCAL_APT_DIR} ./`]);
    expect(text).toContain("Packages: curl jq and their dependencies");
    expect(LOCAL_APT_SOURCES_FILE).toMatch(/^etc\/apt\/sources\.list\.d\/[a-z-]+\.list$/);
    expect(() => renderLocalAptSources(["$(x)"])).toThrow(/not Debian package names/);
  });
});

describe("scripts", () => {
  it("are valid sh", () => {
    execFileSync("sh", ["-n"], { input: renderAptDownloadScript() });
    execFileSync("sh", ["-n"], { input: renderLocalRepoScript() });
  });

  it("download without installing, each package alone and all together, recommends left out", () => {
    const script = renderAptDownloadScript();
    expect(script.match(/apt-get install --download-only -y -qq --no-install-recommends/g)).toHaveLength(2);
    expect(script).not.toMatch(/apt-get (update|upgrade)/);
  });
});
