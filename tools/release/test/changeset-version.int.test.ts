import { cpSync, existsSync } from "node:fs";
import { join } from "node:path";
import semver from "semver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TempWorkspace } from "@image-tooling/test-support/temp-workspace";
import { INSTALL_ROOT } from "@image-tooling/cli-support";
import { changeset, childrenOf, IMAGES, packageJson, releaseWorkspace, writeChangeset } from "./release-workspace.ts";

const CHILDREN = childrenOf("tooling-k8s");
const bump = (v: string, type: "patch" | "minor" | "major") => semver.inc(v, type)!;

// The real changesets CLI (2.31.1) on a real git copy of the workspace: proves
// what .changeset/config.json does to the image packages.
describe("changeset version on the image packages", { timeout: 120_000 }, () => {
  let ws: TempWorkspace;
  let before: Record<string, string>;
  beforeAll(() => {
    ws = releaseWorkspace();
    cpSync(join(INSTALL_ROOT, "package-lock.json"), join(ws.root, "package-lock.json"));
    ws.commitAll("lockfile");
    before = Object.fromEntries(IMAGES.map((i) => [i, packageJson(ws, i).version]));
  }, 60_000);
  afterAll(() => ws?.dispose());

  it("a minor changeset on tooling-k8s: parent minor, both children patch, toolbox-base, buildx and pandoc untouched, CHANGELOGs written", () => {
    ws.git("checkout", "-q", "-b", "minor-parent", "main");
    writeChangeset(ws, "k8s-stern", { "tooling-k8s": "minor" }, "Add stern for multi-pod log tailing.");
    ws.commitAll("feat: stern");

    const r = changeset(ws, "version");
    expect(r.status, r.output).toBe(0);

    const parent = bump(before["tooling-k8s"]!, "minor");
    expect(packageJson(ws, "tooling-k8s").version).toBe(parent);
    for (const child of CHILDREN) {
      expect(packageJson(ws, child).version).toBe(bump(before[child]!, "patch"));
      // Exact pin moves with the parent, so the next parent bump patches the child again.
      expect(packageJson(ws, child).dependencies).toEqual({ "tooling-k8s": parent });
    }
    for (const untouched of ["toolbox-base", "buildx", "pandoc"]) expect(packageJson(ws, untouched).version).toBe(before[untouched]);

    const k8sLog = ws.read("packages/tooling-k8s/CHANGELOG.md");
    expect(k8sLog).toMatch(
      new RegExp(`^# tooling-k8s\\n\\n## ${parent.replace(/\./g, "\\.")}\\n\\n### Minor Changes\\n\\n- [0-9a-f]{7}: Add stern for multi-pod log tailing\\.\\n`),
    );
    for (const child of CHILDREN) {
      const log = ws.read(`packages/${child}/CHANGELOG.md`);
      expect(log).toContain(`## ${bump(before[child]!, "patch")}\n\n### Patch Changes\n\n- Updated dependencies`);
      expect(log).toContain(`  - tooling-k8s@${parent}`);
    }
    expect(existsSync(join(ws.root, "packages/buildx/CHANGELOG.md")) && ws.git("status", "--porcelain", "packages/buildx")).toBeFalsy();

    // Exactly these files change: the internal @image-tooling/* packages are ignored.
    ws.git("add", "-A");
    const changed = ws.git("diff", "--cached", "--name-only").split("\n").sort();
    expect(changed).toEqual(
      [".changeset/k8s-stern.md", ...["tooling-k8s", ...CHILDREN].flatMap((i) => [`packages/${i}/CHANGELOG.md`, `packages/${i}/package.json`])].sort(),
    );

    ws.commitAll("Version images");
    // That commit affects exactly the three released images: what `nx affected -t publish` publishes.
    expect(ws.affected("main").filter((p) => IMAGES.includes(p))).toEqual(["tooling-k8s", ...CHILDREN]);

    // git tags <image>@<version> for the images only, never for @image-tooling/* packages.
    const tag = changeset(ws, "tag");
    expect(tag.status, tag.output).toBe(0);
    const tags = ws.git("tag", "--list").split("\n");
    expect(tags).toEqual(expect.arrayContaining([`tooling-k8s@${parent}`, ...CHILDREN.map((c) => `${c}@${bump(before[c]!, "patch")}`)]));
    expect(tags.filter((t) => t.startsWith("@image-tooling/"))).toEqual([]);
    expect(tag.output).toContain(`New tag:  tooling-k8s@${parent}`);
    ws.git("checkout", "-q", "main");
  });

  it("npm run version-packages (what the release workflow runs) also brings package-lock.json in line", () => {
    ws.git("checkout", "-q", "-b", "version-script", "main");
    writeChangeset(ws, "k8s-stern", { "tooling-k8s": "minor" }, "Add stern.");
    const r = ws.run("npm", ["run", "--silent", "version-packages"]);
    expect(r.status, r.output).toBe(0);
    const parent = bump(before["tooling-k8s"]!, "minor");
    const lock = JSON.parse(ws.read("package-lock.json")) as { packages: Record<string, { version?: string; dependencies?: Record<string, string> }> };
    expect(lock.packages["packages/tooling-k8s"]?.version).toBe(parent);
    for (const child of CHILDREN) {
      expect(lock.packages[`packages/${child}`]?.version).toBe(bump(before[child]!, "patch"));
      expect(lock.packages[`packages/${child}`]?.dependencies).toEqual({ "tooling-k8s": parent });
    }
    ws.git("checkout", "-q", "-f", "main");
    ws.git("clean", "-qfd");
  });

  it("after a major bump, npm run version-packages leaves every image lint-clean: the generated READMEs embed the new major tag", () => {
    ws.git("checkout", "-q", "-b", "major-parent", "main");
    writeChangeset(ws, "k8s-major", { "tooling-k8s": "major" }, "Drop the deprecated kubeconfig path.");
    ws.commitAll("major changeset");
    const major = bump(before["tooling-k8s"]!, "major").split(".")[0]!;
    const docsCheck = () => ws.run(process.execPath, [join(INSTALL_ROOT, "node_modules/tsx/dist/cli.mjs"), "tools/image-docs/src/main.ts", "--check"]);
    const lint = (image: string) => ws.run(process.execPath, [join(INSTALL_ROOT, "node_modules/tsx/dist/cli.mjs"), "libs/image-lint/src/cli.ts", image]);

    // changeset version alone leaves the README on the old major tag: the check must catch that.
    const bare = changeset(ws, "version");
    expect(bare.status, bare.output).toBe(0);
    const stale = docsCheck();
    expect(stale.status, stale.output).toBe(1);
    expect(stale.output).toContain("packages/tooling-k8s/README.md");
    ws.git("checkout", "-q", "-f", "major-parent");
    ws.git("clean", "-qfd");

    const r = ws.run("npm", ["run", "--silent", "version-packages"]);
    expect(r.status, r.output).toBe(0);
    expect(packageJson(ws, "tooling-k8s").version).toBe(bump(before["tooling-k8s"]!, "major"));
    expect(ws.read("packages/tooling-k8s/README.md")).toContain(`tooling-k8s:${major}`);
    const check = docsCheck();
    expect(check.status, check.output).toBe(0);
    for (const image of ["tooling-k8s", ...CHILDREN]) {
      const l = lint(image);
      expect(l.status, l.output).toBe(0);
    }
    ws.git("checkout", "-q", "-f", "main");
    ws.git("clean", "-qfd");
  });

  it("a patch on the parent still patches both children: their exact pin leaves the range", () => {
    ws.git("checkout", "-q", "-b", "patch-parent", "main");
    writeChangeset(ws, "k8s-fix", { "tooling-k8s": "patch" }, "Fix the kubeconfig link.");
    const r = changeset(ws, "version");
    expect(r.status, r.output).toBe(0);
    expect(packageJson(ws, "tooling-k8s").version).toBe(bump(before["tooling-k8s"]!, "patch"));
    for (const child of CHILDREN) expect(packageJson(ws, child).version).toBe(bump(before[child]!, "patch"));
    ws.git("checkout", "-q", "-f", "main");
    ws.git("clean", "-qfd");
  });

  it("a patch on toolbox-base cascades through three levels: its children and their children are patched", () => {
    ws.git("checkout", "-q", "-b", "patch-base", "main");
    writeChangeset(ws, "base-fix", { "toolbox-base": "patch" }, "Fix the entrypoint.");
    const r = changeset(ws, "version");
    expect(r.status, r.output).toBe(0);
    const base = bump(before["toolbox-base"]!, "patch");
    expect(packageJson(ws, "toolbox-base").version).toBe(base);
    for (const child of ["tooling-k8s", "buildx", "pandoc"]) {
      expect(packageJson(ws, child).version).toBe(bump(before[child]!, "patch"));
      expect(packageJson(ws, child).dependencies).toEqual({ "toolbox-base": base });
    }
    for (const grandchild of CHILDREN) {
      expect(packageJson(ws, grandchild).version).toBe(bump(before[grandchild]!, "patch"));
      expect(packageJson(ws, grandchild).dependencies).toEqual({ "tooling-k8s": bump(before["tooling-k8s"]!, "patch") });
    }
    ws.git("checkout", "-q", "-f", "main");
    ws.git("clean", "-qfd");
  });

  it("a changeset on a child releases only that child", () => {
    ws.git("checkout", "-q", "-b", "child-only", "main");
    writeChangeset(ws, "aws-cli", { "tooling-k8s-aws": "minor" }, "Bump the AWS CLI.");
    const r = changeset(ws, "version");
    expect(r.status, r.output).toBe(0);
    expect(packageJson(ws, "tooling-k8s-aws").version).toBe(bump(before["tooling-k8s-aws"]!, "minor"));
    for (const other of IMAGES.filter((i) => i !== "tooling-k8s-aws")) expect(packageJson(ws, other).version).toBe(before[other]);
    ws.git("checkout", "-q", "-f", "main");
    ws.git("clean", "-qfd");
  });

  it("a changeset naming only an internal @image-tooling/* package bumps nothing and stays pending (so the check rejects it)", () => {
    ws.git("checkout", "-q", "-b", "internal", "main");
    ws.write(".changeset/internal.md", '---\n"@image-tooling/pipeline": minor\n---\n\nRefactor.\n');
    const r = changeset(ws, "version");
    expect(r.status, r.output).toBe(0);
    expect(JSON.parse(ws.read("libs/pipeline/package.json")).version).toBe("0.0.0");
    for (const image of IMAGES) expect(packageJson(ws, image).version).toBe(before[image]);
    expect(existsSync(join(ws.root, ".changeset/internal.md"))).toBe(true);
    ws.git("checkout", "-q", "-f", "main");
    ws.git("clean", "-qfd");
  });
});
