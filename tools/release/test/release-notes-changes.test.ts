import { describe, expect, it } from "vitest";
import { renderImageNotes } from "../src/render-notes.ts";
import { parseResult } from "../src/result-file.ts";

const D = (c: string) => `sha256:${c.repeat(64)}`;

describe("release notes: what changed", () => {
  it("put the comparison with the previous release, as publish recorded it, in a 'What changed' section before the changelog", () => {
    const result = parseResult(
      JSON.stringify({
        image: "tooling-k8s",
        version: "1.4.2",
        status: "pushed",
        digest: D("a"),
        changes: {
          image: "tooling-k8s",
          version: "1.4.2",
          digest: D("a"),
          previous: { version: "1.4.1", digest: D("b") },
          tools: {
            moved: [
              {
                name: "helm",
                from: "4.2.1",
                to: "4.3.0",
                lock: "packages/tooling-k8s/tools.lock.json",
                notes: "https://github.com/helm/helm/releases/tag/v4.3.0",
              },
            ],
            added: [],
            removed: [{ name: "k9s", version: "0.50.0", lock: "packages/tooling-k8s/tools.lock.json" }],
          },
          packages: { "linux/amd64": { upgraded: [{ name: "libssl3t64", from: "3.5.1-1", to: "3.5.4-1" }], downgraded: [], added: [], removed: [] } },
          base: {
            from: { name: "docker.io/x/toolbox-base:1.2.0", digest: D("c") },
            to: { name: "docker.io/x/toolbox-base:1.2.0", digest: D("c") },
            changed: false,
          },
          sizes: { "linux/amd64": { from: 212_400_000, to: 214_100_000, delta: 1_700_000 } },
        },
      }),
      "result.json",
    );
    const notes = renderImageNotes(result, "- helm 4.3.0");
    expect(notes.indexOf("### What changed")).toBeLessThan(notes.indexOf("### Changes"));
    expect(notes).toContain(`Compared with tooling-k8s 1.4.1 (\`${D("b").slice(0, 19)}…\`):`);
    expect(notes).toContain("- helm 4.2.1 → [4.3.0](https://github.com/helm/helm/releases/tag/v4.3.0)");
    expect(notes).toContain("- k9s 0.50.0 (removed)");
    expect(notes).toContain("- linux/amd64:\n  - upgraded: libssl3t64 3.5.1-1 → 3.5.4-1");
    expect(notes).toContain(`**Base:** unchanged, docker.io/x/toolbox-base:1.2.0 \`${D("c").slice(0, 19)}…\``);
    expect(notes).toContain("- linux/amd64: 212.4 MB → 214.1 MB (+1.7 MB)");
  });

  it("a result without a comparison (a build, a branch image) has no such section", () => {
    expect(renderImageNotes(parseResult(JSON.stringify({ image: "pandoc", version: "1.0.0", status: "pushed" }), "r.json"))).not.toContain("What changed");
  });
});
