import { randomBytes } from "node:crypto";
import { connection, dag, type Container, type Platform } from "@dagger.io/dagger";
import { beforeAll, describe, expect, it } from "vitest";
import { LOCAL_APT_DIR, LOCAL_APT_PACKAGES } from "../src/local-apt.ts";
import { loadHarnessEnv } from "@image-tooling/test-support/harness-env";
import { Scenarios, type ExecRun } from "@image-tooling/test-support/scenarios";

// Containers on our machines may reach only loopback and their own bridge.
// The seeded base answers `apt-get install` from its own offline repository;
// these runs prove it on both platforms, with every apt network method sent
// to a closed loopback port so a stray remote source would fail the test
// instead of leaving the machine.
const env = loadHarnessEnv();

const PLATFORMS = ["linux/amd64", "linux/arm64"] as const;
const MACHINE: Record<string, string> = { "linux/amd64": "x86_64", "linux/arm64": "aarch64" };
const NO_NETWORK = "-o Acquire::http::Proxy=http://127.0.0.1:9 -o Acquire::https::Proxy=http://127.0.0.1:9 -o Acquire::ftp::Proxy=http://127.0.0.1:9";

describe("the seeded Debian base's offline apt repository", () => {
  const scenarios = new Scenarios();
  const run = (key: string): ExecRun => scenarios.get(key);

  beforeAll(async () => {
    await connection(async () => {
      const exec = (key: string, c: Container, script: string): Promise<void> => scenarios.exec(key, c, ["sh", "-c", script]);
      await Promise.all(
        PLATFORMS.flatMap((platform) => {
          const base = dag
            .container({ platform: platform as Platform })
            .from(env.HARNESS_DEBIAN_BASE)
            // A fresh value per run, so the engine really executes instead of replaying its cache.
            .withEnvVariable("CACHE_BUST", randomBytes(4).toString("hex"));
          return [
            // Every source apt would read, comments and blank lines dropped.
            exec(
              `sources-${platform}`,
              base,
              "cat /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null | grep -Ev '^[[:space:]]*(#|$)'; ls /etc/apt/sources.list.d",
            ),
            exec(
              `install-${platform}`,
              base,
              `set -e; uname -m; apt-get ${NO_NETWORK} update 2>&1; apt-get ${NO_NETWORK} install -y curl jq >/dev/null; curl --version | head -n 1; echo '{"ok":true}' | jq -c .; apt-cache policy | grep -E '^ +[0-9]+ '`,
            ),
            // Each package of the set installs on its own (a subset resolves its own dependency alternatives), then all together.
            exec(
              `each-${platform}`,
              base,
              `set -e; apt-get ${NO_NETWORK} update -qq; for p in ${LOCAL_APT_PACKAGES.join(" ")}; do apt-get ${NO_NETWORK} install -s -y --no-install-recommends "$p" >/dev/null || { echo "cannot install $p alone" >&2; exit 1; }; done; apt-get ${NO_NETWORK} install -y -qq --no-install-recommends ${LOCAL_APT_PACKAGES.join(" ")} >/dev/null; git --version; tini --version; zip -v | sed -n 2p; unzip -v | head -n 1; openssl version`,
            ),
          ];
        }),
      );
    });
  });

  it.each(PLATFORMS)("%s: apt's only source is the local file repository", (platform) => {
    const r = run(`sources-${platform}`);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe(`deb [trusted=yes] file:${LOCAL_APT_DIR} ./\nharness-local.list\n`);
  });

  it.each(PLATFORMS)("%s: apt-get update && apt-get install -y curl jq succeed with no network", (platform) => {
    const r = run(`install-${platform}`);
    expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
    const [machine, ...rest] = r.stdout.split("\n");
    expect(machine).toBe(MACHINE[platform]);
    const out = rest.join("\n");
    expect(out).toMatch(/^Get:\d+ file:\/var\/lib\/harness-apt \.\/ Packages/m);
    expect(out).not.toMatch(/https?:|ftp:|deb\.debian\.org/);
    expect(out).toMatch(/^curl \d+\.\d+/m);
    expect(out).toContain('{"ok":true}\n');
    // Package origins: the dpkg status and the local repository, nothing else.
    expect(out.match(/^ +\d+ .*$/gm)).toEqual([" 100 /var/lib/dpkg/status", ` 500 file:${LOCAL_APT_DIR} ./ Packages`]);
  });

  it.each(PLATFORMS)("%s: every package of the set installs, alone and together", (platform) => {
    const r = run(`each-${platform}`);
    expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/^git version \d[\s\S]*\ntini version \d[\s\S]*\nThis is Zip \d[\s\S]*\nUnZip \d[\s\S]*\nOpenSSL \d/);
  });
});
