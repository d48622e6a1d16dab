/**
 * The entrypoint's and toolbox-help's logic, in containers of the mirrored
 * Debian base on the air-gapped harness. The real tools are absent (their
 * downloads are unreachable here): stubs print the pinned versions from the
 * image's own toolbox data, so toolbox-help runs exactly as in the image.
 * Fails, never skips, without the harness.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { connection, dag, type Container, type Directory, type Platform } from "@dagger.io/dagger";
import { loadHarnessEnv } from "@image-tooling/test-support/harness-env";
import { Scenarios, type ExecRun } from "@image-tooling/test-support/scenarios";

const PKG = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const PACKAGES = resolve(PKG, "..");
const DATA = "rootfs/usr/local/share/toolbox";
const PATH = "/opt/fake/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** name, pinned version and the command word of each line of an image's toolbox data (`<depth>-<image>.tsv`). */
function toolsOf(image: string): { name: string; pinned: string; command: string }[] {
  const file = readdirSync(join(PACKAGES, image, DATA)).find((f) => f.endsWith(`-${image}.tsv`))!;
  return readFileSync(join(PACKAGES, image, DATA, file), "utf8")
    .split("\n")
    .filter((l) => l && !l.startsWith("#"))
    .map((l) => {
      const [name, pinned, command] = l.split("\t") as [string, string, string];
      return { name, pinned, command: command.split(" ")[0]!.replaceAll("'", "") };
    });
}

const KUBECONFIG = "apiVersion: v1\nkind: Config\ncurrent-context: e2e\n";

describe("entrypoint and toolbox-help in the mirrored Debian base", () => {
  const scenarios = new Scenarios();
  const run = (key: string): ExecRun => scenarios.get(key);

  beforeAll(async () => {
    const env = loadHarnessEnv();
    await connection(async () => {
      // Stubs for every command toolbox-help asks, printing "<name> v<pin>"
      // (debian commands print a made-up version); one stub can be made to lie.
      const stubs = (lie?: string): Directory => {
        let dir = dag.directory();
        const commands = new Map<string, string>();
        for (const image of ["toolbox-base", "tooling-k8s", "tooling-k8s-aws"]) {
          for (const t of toolsOf(image))
            if (!commands.has(t.command) && t.command !== "bash") commands.set(t.command, t.pinned === "debian" ? "9.9.9" : t.pinned);
        }
        for (const [command, version] of commands) {
          const v = command === lie ? "0.0.1" : version;
          dir = dir.withNewFile(command, `#!/bin/sh\necho "${command} fake v${v} (args: $*)"\n`, { permissions: 0o755 });
        }
        return dir;
      };

      // The user setup of the Dockerfiles: uid 10001 in group 0, HOME, ~/.kube and /work group-writable;
      // the toolbox data of tooling-k8s's two layers (toolbox-base, then tooling-k8s).
      const base = (platform?: Platform): Container =>
        dag
          .container(platform ? { platform } : undefined)
          .from(env.HARNESS_DEBIAN_BASE)
          .withEnvVariable("E2E_RUN", String(Date.now())) // every run executes, none comes from cache
          .withDirectory("/usr/local/bin", dag.host().directory(join(PKG, "rootfs/usr/local/bin")))
          .withDirectory("/usr/local/share/toolbox", dag.host().directory(join(PKG, DATA)))
          .withDirectory("/usr/local/share/toolbox", dag.host().directory(join(PACKAGES, "tooling-k8s", DATA)))
          .withDirectory("/opt/fake/bin", stubs())
          .withEnvVariable("PATH", PATH)
          .withExec(["useradd", "--uid", "10001", "--gid", "0", "--no-log-init", "--create-home", "--home-dir", "/home/tool", "--shell", "/bin/bash", "tool"])
          .withExec(["sh", "-c", "mkdir -p /home/tool/.kube /work && chown -R 10001:0 /home/tool /work && chmod -R g=u /home/tool /work"])
          .withEnvVariable("HOME", "/home/tool")
          .withUser("10001:0")
          .withWorkdir("/work");

      const withKubeDir = (c: Container): Container =>
        c
          .withNewFile("/mnt/kube/config", KUBECONFIG)
          .withNewFile("/mnt/kube/certs/ca.crt", "not a cert\n")
          .withNewFile("/mnt/kube/cache/discovery/x.json", "{}\n")
          .withNewFile("/mnt/kube/.switch-state", "s\n");

      const exec = (key: string, c: Container, args: string[], stdin?: string): Promise<void> => scenarios.exec(key, c, args, stdin);
      const E = "/usr/local/bin/entrypoint";
      const showKube =
        'id -u; for e in config certs cache .switch-state; do printf "%s -> %s\\n" "$e" "$(readlink "$HOME/.kube/$e" || echo none)"; done; touch "$HOME/.kube/probe" && echo kube-writable; echo "KUBECONFIG=${KUBECONFIG:-unset}"';

      const signalScript = [
        `${E} sh -c 'echo $$ > /tmp/cmd.pid; trap "echo got TERM; exit 42" TERM; while :; do sleep 0.1; done' &`,
        "pid=$!",
        "while [ ! -s /tmp/cmd.pid ]; do sleep 0.1; done",
        'if [ "$(cat /tmp/cmd.pid)" = "$pid" ]; then echo same-pid; else echo "different-pid $pid $(cat /tmp/cmd.pid)"; fi',
        'kill -TERM "$pid"',
        'wait "$pid"; echo "exit=$?"',
      ].join("\n");

      const twoLayers = base().withDirectory("/usr/local/share/toolbox", dag.host().directory(join(PACKAGES, "tooling-k8s-aws", DATA)));
      const arm64 = base("linux/arm64" as Platform);

      await Promise.all([
        exec("link-dir", withKubeDir(base()), [E, "sh", "-c", showKube]),
        exec("link-dir-any-uid", withKubeDir(base()).withUser("12345:0"), [E, "sh", "-c", showKube]),
        exec("link-file", base().withNewFile("/mnt/kube", KUBECONFIG), [E, "sh", "-c", showKube]),
        exec("link-keeps-existing", withKubeDir(base()).withNewFile("/home/tool/.kube/config", "mine\n", { owner: "10001:0" }), [E, "sh", "-c", showKube]),
        exec("home-readonly", withKubeDir(base()).withEnvVariable("HOME", "/usr/share"), [E, "sh", "-c", showKube]),
        exec("no-mount", base(), [E, "sh", "-c", showKube]),
        exec("signal", base(), ["sh", "-c", signalScript]),
        exec("signal-arm64", arm64, ["sh", "-c", `uname -m; ${signalScript}`]),
        exec("exit-code", base(), [E, "sh", "-c", "exit 7"]),
        exec("args-intact", base(), [E, "printf", "[%s]", "a b", "", "$HOME", "*"]),
        exec("no-command-stdin", base(), [E], "echo from-stdin; id -u\n"),
        exec("no-command-tty", base(), ["script", "-qec", E, "/dev/null"], "echo inside-shell-$((40+2))\nexit\n"),
        exec("no-command-tty-quiet", base().withEnvVariable("TOOLBOX_NO_HELP", "1"), ["script", "-qec", E, "/dev/null"], "echo inside-shell-$((40+2))\nexit\n"),
        exec("help", base(), [E, "toolbox-help"]),
        exec("help-check", base(), [E, "toolbox-help", "--check"]),
        exec("help-check-lie", base().withDirectory("/opt/fake/bin", stubs("helm")), [E, "toolbox-help", "--check"]),
        exec("help-missing-tool", base().withoutFile("/opt/fake/bin/k9s"), [E, "toolbox-help", "--check"]),
        exec("help-no-tmp", base().withEnvVariable("TMPDIR", "/nonexistent"), [E, "toolbox-help", "--check"]),
        exec("help-json", twoLayers, [E, "toolbox-help", "--json"]),
        exec("help-two-layers", twoLayers, [E, "toolbox-help", "--check"]),
        exec("help-usage", base(), [E, "toolbox-help", "--help"]),
        exec("help-arm64", arm64, [E, "toolbox-help", "--check"]),
      ]);
    });
  });

  describe("/mnt/kube", () => {
    it("links each entry of a mounted directory into ~/.kube, leaves the host's cache out, keeps ~/.kube writable", () => {
      const r = run("link-dir");
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toBe(
        [
          "10001",
          "config -> /mnt/kube/config",
          "certs -> /mnt/kube/certs",
          "cache -> none",
          ".switch-state -> /mnt/kube/.switch-state",
          "kube-writable",
          "KUBECONFIG=unset",
          "",
        ].join("\n"),
      );
    });

    it("works the same under an arbitrary uid in group 0", () => {
      const r = run("link-dir-any-uid");
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toMatch(/^12345\nconfig -> \/mnt\/kube\/config\n[\s\S]*kube-writable\n/);
    });

    it("links a single mounted kubeconfig file as ~/.kube/config", () => {
      expect(run("link-file").stdout).toMatch(/^10001\nconfig -> \/mnt\/kube\ncerts -> none\n/);
    });

    it("never replaces what ~/.kube already holds", () => {
      expect(run("link-keeps-existing").stdout).toMatch(/config -> none\ncerts -> \/mnt\/kube\/certs\n/);
    });

    it("falls back to KUBECONFIG when HOME is not writable", () => {
      const r = run("home-readonly");
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toMatch(/KUBECONFIG=\/mnt\/kube\/config\n$/);
    });

    it("does nothing without a mount", () => {
      expect(run("no-mount").stdout).toMatch(/config -> none\n[\s\S]*KUBECONFIG=unset\n$/);
    });
  });

  describe("exec", () => {
    it("replaces itself with the command, so a signal reaches it", () => {
      const r = run("signal");
      expect(r.stdout).toBe("same-pid\ngot TERM\nexit=42\n");
    });

    it("does the same on linux/arm64 (emulated)", () => {
      expect(run("signal-arm64").stdout).toBe("aarch64\nsame-pid\ngot TERM\nexit=42\n");
    });

    it("passes the exit code and the arguments through untouched", () => {
      expect(run("exit-code").exitCode).toBe(7);
      expect(run("args-intact").stdout).toBe("[a b][][$HOME][*]");
    });
  });

  describe("no command", () => {
    it("without a terminal: bash reads commands from stdin, no help table", () => {
      const r = run("no-command-stdin");
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toBe("from-stdin\n10001\n");
    });

    it("in an interactive terminal: prints toolbox-help, then starts a shell", () => {
      const r = run("no-command-tty");
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toMatch(/Toolbox: toolbox-base \+ tooling-k8s\r?\n/);
      expect(r.stdout.indexOf("Toolbox:")).toBeLessThan(r.stdout.indexOf("inside-shell-42"));
    });

    it("TOOLBOX_NO_HELP=1 skips the table", () => {
      const r = run("no-command-tty-quiet");
      expect(r.stdout).toContain("inside-shell-42");
      expect(r.stdout).not.toContain("Toolbox:");
    });
  });

  describe("toolbox-help", () => {
    const tools = [...toolsOf("toolbox-base"), ...toolsOf("tooling-k8s")];

    it("prints a header, one row per tool with the version it reports and its pin, then examples", () => {
      const r = run("help");
      expect(r.exitCode).toBe(0);
      const lines = r.stdout.split("\n");
      expect(lines[0]).toBe("Toolbox: toolbox-base + tooling-k8s");
      expect(lines[3]).toMatch(/^ {2}TOOL {13}VERSION {10}PINNED$/);
      tools.forEach((t, i) => {
        const reported = t.pinned === "debian" ? (t.command === "bash" ? "\\d+\\.\\d+\\.\\d+" : "9\\.9\\.9") : t.pinned.replaceAll(".", "\\.");
        const pinned = t.pinned === "debian" ? "\\(debian\\)" : t.pinned.replaceAll(".", "\\.");
        expect(lines[4 + i]).toMatch(new RegExp(`^  ${t.name} +${reported} +${pinned}$`));
      });
      expect(r.stdout).toContain(
        "\nExamples\n  bash -c 'echo hello'\n  tini -s -- sleep 1\n  kubectl config get-contexts\n  kubectl get pods -A\n  helm list -A\n",
      );
      expect(r.stdout).toContain("Kubeconfig: mount it at /mnt/kube");
      expect(r.stdout).toMatch(/Pinned versions as JSON: toolbox-help --json\n$/);
    });

    it("--check passes when every tool reports its pin", () => {
      const r = run("help-check");
      expect(r.exitCode).toBe(0);
      expect(r.stderr).toBe("");
    });

    it("--check fails, naming the tool, when one reports another version or is missing", () => {
      const lie = run("help-check-lie");
      expect(lie.exitCode).toBe(1);
      expect(lie.stdout).toMatch(/^ {2}helm +0\.0\.1 +4\.3\.0 {2}<- differs from the pin$/m);
      expect(lie.stderr).toBe("toolbox-help: helm reports 0.0.1, pinned 4.3.0\n");
      const missing = run("help-missing-tool");
      expect(missing.exitCode).toBe(1);
      expect(missing.stdout).toMatch(/^ {2}k9s +not-found +0\.51\.0/m);
    });

    it("gives the same table without a writable temp dir (no parallel runs)", () => {
      const r = run("help-no-tmp");
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toBe(run("help-check").stdout);
    });

    it("lists a child's layer after its parents', and --json merges all three", () => {
      const r = run("help-two-layers");
      expect(r.exitCode).toBe(0);
      expect(r.stdout.split("\n")[0]).toBe("Toolbox: toolbox-base + tooling-k8s + tooling-k8s-aws");
      expect(r.stdout).toMatch(/^ {2}aws +2\.36\.7 +2\.36\.7$/m);
      const json = JSON.parse(run("help-json").stdout) as Record<string, { tools: Record<string, string> }>;
      expect(Object.keys(json)).toEqual(["toolbox-base", "tooling-k8s", "tooling-k8s-aws"]);
      expect(json["toolbox-base"]!.tools).toEqual({});
      expect(json["tooling-k8s"]!.tools.kubectl).toBe(tools.find((t) => t.name === "kubectl")!.pinned);
      expect(json["tooling-k8s-aws"]!.tools).toEqual({ aws: "2.36.7" });
    });

    it("--help prints its usage from the script's header", () => {
      const r = run("help-usage");
      expect(r.stdout).toMatch(/^toolbox-help \[--check \| --json \| --help\]\n/);
      expect(r.stdout).toContain("--check  also exit 1");
      expect(r.stdout).toMatch(/--json {3}print the pinned versions of every layer as one JSON object\n$/);
    });

    it("runs the same on linux/arm64 (emulated)", () => {
      const r = run("help-arm64");
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toBe(run("help-check").stdout);
    });
  });
});
