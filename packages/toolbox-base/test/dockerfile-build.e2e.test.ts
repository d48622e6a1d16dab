/**
 * The real Dockerfiles of toolbox-base, tooling-k8s, tooling-k8s-aws and
 * buildx, built by Dagger on the air-gapped harness with one substitution:
 * the lock's tools are emptied, because their upstream downloads are
 * unreachable here. What runs for real: the BASE_IMAGE plumbing over three
 * levels (external base → toolbox-base → tooling-k8s and buildx →
 * tooling-k8s-aws, each parent pushed to the harness registry by digest for
 * its children), the fetch stages with toolbox-base's fetch-tools, the apt
 * lists read from each lock through a bind mount and installed by
 * toolbox-base's apt-install, the user/HOME/WORKDIR setup, tini + the
 * entrypoint inherited from toolbox-base, the generated labels and toolbox data. The Dockerfiles' `apt-get update &&
 * apt-get install` lines run unchanged against the seeded base's offline apt
 * repository, its only apt source: no container here reaches Debian's archive.
 * Fails, never skips, without the harness.
 */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { connection, dag, ReturnType, type Container, type Platform } from "@dagger.io/dagger";
import { loadHarnessEnv } from "@image-tooling/test-support/harness-env";
import type { ExecRun as Run } from "@image-tooling/test-support/scenarios";
import { lockWithoutDownloads, OFFLINE_BUILT_IMAGES } from "@image-tooling/test-support/workspace-images";

const PACKAGES = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

interface Built {
  user: string;
  entrypoint: string[];
  workdir: string;
  label: string | null;
  runs: Record<string, Run>;
}

const KUBECONFIG = "apiVersion: v1\nkind: Config\ncurrent-context: e2e\n";

describe("the real Dockerfiles build and behave (tool downloads left out)", () => {
  const built = new Map<string, Built>();
  const get = (image: string): Built => {
    const b = built.get(image);
    if (!b) throw new Error(`${image} was not built`);
    return b;
  };

  beforeAll(async () => {
    const env = loadHarnessEnv();
    await connection(async () => {
      const build = (image: string, base: string): Container =>
        dag
          .host()
          .directory(join(PACKAGES, image))
          .withNewFile("tools.lock.json", lockWithoutDownloads(image))
          .withNewFile(".e2e-run", String(Date.now())) // a fresh build every run
          .dockerBuild({ platform: "linux/amd64" as Platform, dockerfile: "Dockerfile", buildArgs: [{ name: "BASE_IMAGE", value: base }] });

      const inspect = async (
        image: string,
        ctr: Container,
        scenarios: Record<string, { args: string[]; user?: string; files?: Record<string, string> }>,
      ): Promise<void> => {
        const runs: Record<string, Run> = {};
        await Promise.all(
          Object.entries(scenarios).map(async ([key, s]) => {
            let c = ctr;
            if (s.user) c = c.withUser(s.user);
            for (const [path, contents] of Object.entries(s.files ?? {})) c = c.withNewFile(path, contents);
            const done = c.withExec(s.args, { useEntrypoint: true, expect: ReturnType.Any });
            const [stdout, stderr, exitCode] = await Promise.all([done.stdout(), done.stderr(), done.exitCode()]);
            runs[key] = { stdout, stderr, exitCode };
          }),
        );
        const [user, entrypoint, workdir, label] = await Promise.all([ctr.user(), ctr.entrypoint(), ctr.workdir(), ctr.label("dev.image-tooling.tools")]);
        built.set(image, { user, entrypoint, workdir, label, runs });
      };

      const common = {
        id: { args: ["id", "-u"] },
        anyUid: { args: ["sh", "-c", 'id -u; touch "$HOME/p" /work/p && echo writable'], user: "12345:0" },
        help: { args: ["toolbox-help"] },
        json: { args: ["toolbox-help", "--json"] },
      };
      // The harness base is Debian bookworm (the real images pin trixie): what
      // is checked here is the Dockerfiles' plumbing, not the Debian release.
      const base = build("toolbox-base", env.HARNESS_DEBIAN_BASE);
      // Children build on the parent of the same run, by digest, through the registry the engine reaches over its bridge.
      const baseRef = await base.publish(`${env.HARNESS_ENGINE_REGISTRY}/e2e/toolbox-base-dockerfile:${Date.now()}`);
      const parent = build("tooling-k8s", baseRef);
      const buildx = build("buildx", baseRef);
      const parentRef = await parent.publish(`${env.HARNESS_ENGINE_REGISTRY}/e2e/tooling-k8s-dockerfile:${Date.now()}`);
      const child = build("tooling-k8s-aws", parentRef);

      await Promise.all([
        inspect("toolbox-base", base, {
          ...common,
          debian: { args: ["sh", "-c", "tini --version && test -s /etc/ssl/certs/ca-certificates.crt && echo certs"] },
          // apt-install leaves no apt lists, logs or state backups behind.
          aptLeftovers: {
            args: ["sh", "-c", "ls /var/lib/apt/lists /var/log/apt; ls /var/log/dpkg.log /var/lib/dpkg/*-old /var/cache/debconf/*-old 2>/dev/null; true"],
          },
        }),
        inspect("tooling-k8s", parent, {
          ...common,
          kube: { args: ["sh", "-c", 'readlink "$HOME/.kube/config"'], files: { "/mnt/kube/config": KUBECONFIG }, user: "12345:0" },
          debian: { args: ["sh", "-c", "git --version && curl --version | head -n 1 && tini --version"] },
        }),
        inspect("tooling-k8s-aws", child, { ...common, fetchTools: { args: ["test", "-x", "/usr/local/libexec/toolbox/fetch-tools"] } }),
        inspect("buildx", buildx, common),
      ]);
    });
  });

  // Every image the harness can build (a new one fails here until beforeAll builds it).
  const IMAGES = OFFLINE_BUILT_IMAGES;

  it.each(IMAGES)("%s: user 10001:0, tini + entrypoint, WORKDIR /work (children inherit them from toolbox-base)", (image) => {
    const b = get(image);
    expect(b.user).toBe("10001:0");
    expect(b.entrypoint).toEqual(["/usr/bin/tini", "-s", "--", "/usr/local/bin/entrypoint"]);
    expect(b.workdir).toBe("/work");
    expect(b.runs.id).toMatchObject({ exitCode: 0, stdout: "10001\n" });
    // tini -s stays quiet when it is not PID 1 (here Dagger's own init is).
    expect(b.runs.id!.stderr).toBe("");
  });

  it.each(IMAGES)("%s: HOME and /work are writable under an arbitrary uid in group 0", (image) => {
    expect(get(image).runs.anyUid).toMatchObject({ exitCode: 0, stdout: "12345\nwritable\n" });
  });

  it("toolbox-base: the Debian packages of its lock are installed, and apt leaves nothing else behind", () => {
    const b = get("toolbox-base");
    expect(b.runs.debian).toMatchObject({ exitCode: 0, stdout: expect.stringMatching(/^tini version \d[\s\S]*\ncerts\n$/) });
    // `ls` of the two directories prints their (empty) headers only; none of the globbed files exists.
    expect(b.runs.aptLeftovers!.stdout).toBe("/var/lib/apt/lists:\n\n/var/log/apt:\n");
  });

  it("tooling-k8s: the Debian packages of its lock and its parent's are installed; /mnt/kube is linked", () => {
    const b = get("tooling-k8s");
    expect(b.runs.debian).toMatchObject({ exitCode: 0, stdout: expect.stringMatching(/^git version \d[\s\S]*\ncurl \d[\s\S]*\ntini version \d/) });
    expect(b.runs.kube).toMatchObject({ exitCode: 0, stdout: "/mnt/kube/config\n" });
  });

  it("the tools label comes from the lock through the generated LABEL, a child's carrying its parent's tools", () => {
    expect(JSON.parse(get("toolbox-base").label!)).toEqual({});
    const parentPins = JSON.parse(readFileSync(join(PACKAGES, "tooling-k8s", "rootfs/usr/local/share/toolbox/tooling-k8s.json"), "utf8")).tools;
    expect(JSON.parse(get("tooling-k8s").label!)).toEqual(parentPins);
    expect(JSON.parse(get("tooling-k8s-aws").label!)).toEqual({ ...parentPins, aws: "2.36.7" });
    expect(Object.keys(JSON.parse(get("buildx").label!))).toEqual(["docker", "docker-buildx", "aws", "dagger"]);
  });

  it("toolbox data of every layer ships; toolbox-help reads it (downloaded tools absent here)", () => {
    expect(get("toolbox-base").runs.help!.stdout).toMatch(/^Toolbox: toolbox-base\n[\s\S]*^ {2}tini +\d+\.\d+(\.\d+)? +\(debian\)$/m);
    const parent = get("tooling-k8s");
    expect(parent.runs.help!.stdout).toMatch(/^Toolbox: toolbox-base \+ tooling-k8s\n/);
    expect(parent.runs.help!.stdout).toMatch(/^ {2}kubectl +not-found +1\.37\.1/m);
    expect(parent.runs.help!.stdout).toMatch(/^ {2}git +\d+\.\d+(\.\d+)? +\(debian\)$/m);
    const child = get("tooling-k8s-aws");
    expect(child.runs.help!.stdout).toMatch(/^Toolbox: toolbox-base \+ tooling-k8s \+ tooling-k8s-aws\n/);
    expect(Object.keys(JSON.parse(child.runs.json!.stdout))).toEqual(["toolbox-base", "tooling-k8s", "tooling-k8s-aws"]);
    expect(child.runs.fetchTools!.exitCode).toBe(0);
    expect(get("buildx").runs.help!.stdout).toMatch(/^Toolbox: toolbox-base \+ buildx\n/);
  });
});
