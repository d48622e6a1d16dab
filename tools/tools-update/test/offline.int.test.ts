import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { INSTALL_ROOT } from "@image-tooling/cli-support";

// Offline for certain: the command runs in a network namespace of its own
// (unshare --net, as root; through sudo elsewhere, e.g. GitHub's runners),
// where no upstream host can be reached, whatever network the machine has.
const offline = (command: string[]): string[] =>
  process.getuid?.() === 0 ? ["unshare", "--net", "--", ...command] : ["sudo", "-n", "--preserve-env=PATH", "unshare", "--net", "--", ...command];

describe("npm run tools:update -- --check on the real workspace, offline (a network namespace without network)", () => {
  it("says which host it cannot reach for each tool and base, exits 1, and prints no stack trace", () => {
    const [cmd, ...args] = offline(["npm", "run", "-s", "tools:update", "--", "--check"]);
    const r = spawnSync(cmd!, args, { cwd: INSTALL_ROOT, encoding: "utf8", env: { ...process.env, GITHUB_TOKEN: "", TOOLS_MIRROR: "" } });
    if (r.error || /unshare: |sudo: /.test(r.stderr))
      throw new Error(`this test runs the updater in its own network namespace and could not: ${r.error?.message ?? r.stderr}`);
    expect(r.status).toBe(1);
    const errors = r.stderr.trim().split("\n");
    for (const line of errors) expect(line).toMatch(/^error: \S+ (\S+|base \S+): cannot reach (api\.github\.com|dl\.k8s\.io|registry-1\.docker\.io) \(/);
    for (const tool of ["kubectl", "helm", "kustomize", "argocd", "k9s", "jq", "yq", "docker", "docker-buildx", "dagger", "pandoc"])
      expect(r.stderr).toMatch(new RegExp(`^error: \\S+ ${tool}: cannot reach`, "m"));
    expect(r.stderr).toContain("error: tooling-k8s kubectl: cannot reach dl.k8s.io (");
    expect(r.stderr).toMatch(/^error: tooling-k8s-aws aws: cannot reach api\.github\.com/m);
    // The pipeline's helper lock is checked too, under its own name.
    for (const helper of ["cosign", "syft", "grype"])
      expect(r.stderr).toMatch(new RegExp(`^error: pipeline-helpers ${helper}: cannot reach api\\.github\\.com`, "m"));
    expect(r.stderr).toMatch(/^error: toolbox-base base docker\.io\/library\/debian:trixie-slim: cannot reach registry-1\.docker\.io/m);
    expect(r.stdout).toMatch(/tooling-k8s-openstack +openstack +7\.4\.0 +— +— +Debian package/);
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/^\s+at /m);
  });
});
