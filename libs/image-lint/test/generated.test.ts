import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readImagePackage } from "@image-tooling/image-metadata";
import { checkGeneratedFiles, loadImageContext, replaceBlock, GENERATED_NOTE, renderToolboxTsv, shellQuote, TOOLS_LABEL } from "../src/index.ts";
import { familyOf } from "@image-tooling/test-support/workspace-images";
import { IMAGES, WORKSPACE } from "./helpers.ts";

const contextOf = (ws: string, image: string) => {
  const { ctx, problems } = loadImageContext(ws, readImagePackage(ws, `packages/${image}`));
  expect(problems).toEqual([]);
  return ctx!;
};

describe("generated files are up to date (npm run image-docs)", () => {
  it.each(IMAGES)("%s: README blocks, Dockerfile label, smoke version checks, toolbox data", (image) => {
    expect(checkGeneratedFiles(WORKSPACE, contextOf(WORKSPACE, image))).toEqual([]);
  });

  it("the label of a child carries its parent's tools too", () => {
    const dockerfile = readFileSync(join(WORKSPACE, "packages/tooling-k8s-aws/Dockerfile"), "utf8");
    const label = new RegExp(`^LABEL ${TOOLS_LABEL.replaceAll(".", "\\.")}="(.*)"$`, "m").exec(dockerfile)![1]!;
    const tools = JSON.parse(label.replaceAll('\\"', '"')) as Record<string, string>;
    expect(Object.keys(tools)).toEqual(["kubectl", "helm", "kustomize", "argocd", "k9s", "jq", "yq", "aws"]);
  });

  it("a Debian tool: README names the pinned package, smoke checks the upstream and the Debian version", () => {
    const readme = readFileSync(join(WORKSPACE, "packages/tooling-k8s-openstack/README.md"), "utf8");
    expect(readme).toContain("| 7.4.0 | OpenStack command-line client (python-openstackclient) | Debian: `python3-openstackclient=7.4.0-3`");
    expect(readme).not.toMatch(/versions follow the base/);
    // The file is checked against the generator above, so it is what renderSmokeBlock writes.
    const smoke = readFileSync(join(WORKSPACE, "packages/tooling-k8s-openstack/smoke.yaml"), "utf8");
    expect(smoke).toContain('output: "(?<!\\\\S)(?:openstack 7\\\\.4\\\\.0(?![.~-]?\\\\w))"');
    expect(smoke).toContain('run: ["dpkg-query", "--show", "--showformat", "${Version}", "python3-openstackclient"]\n    stdout: "^7\\\\.4\\\\.0-3$"');
  });
});

describe("drift is caught", () => {
  let ws: string;
  afterEach(() => rmSync(ws, { recursive: true, force: true }));
  const copyWorkspace = (): string => {
    ws = mkdtempSync(join(tmpdir(), "image-lint-"));
    cpSync(join(WORKSPACE, "packages"), join(ws, "packages"), { recursive: true });
    return ws;
  };

  it("a version bumped in the lock without regenerating", () => {
    copyWorkspace();
    const lockPath = join(ws, "packages/tooling-k8s/tools.lock.json");
    writeFileSync(lockPath, readFileSync(lockPath, "utf8").replace('"version": "1.37.1"', '"version": "1.37.2"'));
    const stale = checkGeneratedFiles(ws, contextOf(ws, "tooling-k8s")).map((p) => p.file);
    expect(stale).toEqual(
      expect.arrayContaining([
        "packages/tooling-k8s/README.md",
        "packages/tooling-k8s/Dockerfile",
        "packages/tooling-k8s/smoke.yaml",
        "packages/tooling-k8s/rootfs/usr/local/share/toolbox/1-tooling-k8s.tsv",
      ]),
    );
    // The child's label carries the parent's pins, so it goes stale too.
    expect(checkGeneratedFiles(ws, contextOf(ws, "tooling-k8s-aws")).map((p) => p.file)).toContain("packages/tooling-k8s-aws/Dockerfile");
  });

  it("a hand edit inside a generated block, and a missing block", () => {
    copyWorkspace();
    const readme = join(ws, "packages/pandoc/README.md");
    writeFileSync(readme, readFileSync(readme, "utf8").replace("| 3.12.1 |", "| 3.12.0 |"));
    expect(checkGeneratedFiles(ws, contextOf(ws, "pandoc"))).toEqual([
      expect.objectContaining({ file: "packages/pandoc/README.md", message: expect.stringMatching(/out of date/) }),
    ]);
    writeFileSync(readme, "# pandoc\n");
    expect(checkGeneratedFiles(ws, contextOf(ws, "pandoc"))).toEqual([
      expect.objectContaining({ file: "packages/pandoc/README.md", field: "contents", message: "has no generated contents block" }),
    ]);
  });

  it("a Debian package added to toolbox-base: its README and every descendant's, two levels down, go stale", () => {
    copyWorkspace();
    const lockPath = join(ws, "packages/toolbox-base/tools.lock.json");
    writeFileSync(lockPath, readFileSync(lockPath, "utf8").replace('"tini"\n', '"tini",\n      "less"\n'));
    const family = familyOf("toolbox-base");
    expect(family.length).toBeGreaterThan(3);
    for (const image of family) {
      expect(checkGeneratedFiles(ws, contextOf(ws, image)).map((p) => p.file)).toContain(`packages/${image}/README.md`);
    }
  });

  it("a toolbox data file nobody generates", () => {
    copyWorkspace();
    writeFileSync(join(ws, "packages/pandoc/rootfs/usr/local/share/toolbox/pandoc.tsv"), "old\n");
    expect(checkGeneratedFiles(ws, contextOf(ws, "pandoc"))).toEqual([
      expect.objectContaining({ file: "packages/pandoc/rootfs/usr/local/share/toolbox/pandoc.tsv", message: expect.stringMatching(/not generated/) }),
    ]);
  });

  it("README examples follow image-tooling.yaml", () => {
    copyWorkspace();
    writeFileSync(join(ws, "image-tooling.yaml"), "registry: ghcr.io\nnamespace: acme/tools\n");
    const problems = checkGeneratedFiles(ws, contextOf(ws, "tooling-k8s"));
    expect(problems.map((p) => p.file)).toEqual(["packages/tooling-k8s/README.md"]);
  });
});

describe("blocks and toolbox data", () => {
  it("replaces only inside the markers and keeps the indent", () => {
    const text = `a\n  # BEGIN GENERATED x: note\n  old\n  # END GENERATED x\nb\n`;
    expect(replaceBlock(text, "x", "hash", "- one\n- two\n")).toBe(
      `a\n  # BEGIN GENERATED x: do not edit, run \`npm run image-docs\` (source: tools.lock.json)\n  - one\n  - two\n  # END GENERATED x\nb\n`,
    );
    expect(replaceBlock("no markers", "x", "hash", "y")).toBeNull();
    const empty = `<!-- BEGIN GENERATED c: ${GENERATED_NOTE} -->\n<!-- END GENERATED c -->\n`;
    expect(replaceBlock(empty, "c", "html", "body")).toContain("\nbody\n<!-- END GENERATED c -->");
  });

  it("quotes version commands so the shell gets the argv back", () => {
    expect(shellQuote("{{.Version}}")).toBe("'{{.Version}}'");
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    const tsv = renderToolboxTsv({
      image: "x",
      tools: {},
      debian: { packages: [], commands: { git: { versionCommand: ["git", "--version"], description: "Git", examples: ["git log"] } } },
    });
    expect(tsv.split("\n")[1]).toBe("git\tdebian\t'git' '--version'\tGit\tgit log");
  });
});
