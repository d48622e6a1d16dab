import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../nx-image-plugin/src/testing/temp-workspace.ts";

// Our machines reach npm, Debian and the Go proxy only: on the real
// workspace every tool's update source and every base registry is out of reach.
describe("npm run tools:update -- --check on the real workspace, on a machine that reaches none of the upstream hosts", () => {
  it("says which host it cannot reach for each tool and base, exits 1, and prints no stack trace", () => {
    const r = spawnSync("npm", ["run", "-s", "tools:update", "--", "--check"], { cwd: REPO_ROOT, encoding: "utf8", env: { ...process.env, GITHUB_TOKEN: "", TOOLS_MIRROR: "" } });
    expect(r.status).toBe(1);
    const errors = r.stderr.trim().split("\n");
    for (const line of errors) expect(line).toMatch(/^error: \S+ (\S+|base \S+): cannot reach (api\.github\.com|dl\.k8s\.io|registry-1\.docker\.io) \(/);
    for (const tool of ["kubectl", "helm", "kustomize", "argocd", "k9s", "jq", "yq", "docker", "docker-buildx", "dagger", "pandoc"]) expect(r.stderr).toMatch(new RegExp(`^error: \\S+ ${tool}: cannot reach`, "m"));
    expect(r.stderr).toContain("error: tooling-k8s kubectl: cannot reach dl.k8s.io (");
    expect(r.stderr).toMatch(/^error: tooling-k8s-aws aws: cannot reach api\.github\.com/m);
    expect(r.stderr).toMatch(/^error: buildx base docker\.io\/library\/debian:trixie-slim: cannot reach registry-1\.docker\.io/m);
    expect(r.stdout).toMatch(/tooling-k8s-openstack +openstack +7\.4\.0 +— +— +Debian package/);
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/^\s+at /m);
  });
});
