/**
 * `nx g @image-tooling/nx-image-plugin:image` in a real temporary workspace,
 * through the real nx CLI and the compiled generator: every file it writes,
 * that the new package is lint-clean and in the image graph under its parent
 * at once, `--base` pinned by the digest a registry serves, `--dry-run`, and
 * one clear error (and nothing written) for each bad invocation.
 */
import { join } from "node:path";
import { LOCK_FILE, parseImagePackage, parseLock, parseSmokeSpec } from "@image-tooling/image-metadata";
import { RegistryClient } from "@image-tooling/oci-registry";
import { type SeededImage, seedImage } from "@image-tooling/test-support/oci-image";
import { startTestRegistry, type TestRegistry } from "@image-tooling/test-support/registry-server";
import { TempWorkspace } from "@image-tooling/test-support/temp-workspace";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const GENERATOR = "@image-tooling/nx-image-plugin:image";
const CHILD_FILES = [
  "packages/hello-tools/.dockerignore",
  "packages/hello-tools/Dockerfile",
  "packages/hello-tools/README.md",
  "packages/hello-tools/image.yaml",
  "packages/hello-tools/package.json",
  "packages/hello-tools/rootfs/usr/local/share/toolbox/1-hello-tools.tsv",
  "packages/hello-tools/rootfs/usr/local/share/toolbox/hello-tools.json",
  "packages/hello-tools/smoke.yaml",
  "packages/hello-tools/tools.lock.json",
];

describe("nx g @image-tooling/nx-image-plugin:image", () => {
  let ws: TempWorkspace;
  let registry: TestRegistry;
  let debian: SeededImage;
  const gen = (...args: string[]) => ws.nx("g", GENERATOR, ...args);
  /** Files the last command added or changed, as git sees them. */
  const changed = () =>
    ws
      .git("status", "--porcelain", "--untracked-files=all")
      .split("\n")
      .filter(Boolean)
      // git() trims, so the first line may have lost the blank of its "XY " status.
      .map((l) => l.replace(/^[ MADRCU?]{1,2} /, ""))
      .sort();
  const graph = () => {
    const r = ws.nx("graph", `--file=${join(ws.root, "dist/graph.json")}`);
    expect(r.status, r.output).toBe(0);
    return JSON.parse(ws.read("dist/graph.json")).graph as {
      nodes: Record<string, { data: { tags?: string[]; targets: Record<string, unknown> } }>;
      dependencies: Record<string, { target: string; type: string }[]>;
    };
  };

  beforeAll(async () => {
    ws = TempWorkspace.create();
    registry = await startTestRegistry();
    // Labelled as Docker Hub's Debian is: arm64 with its variant, which `linux/arm64` must find.
    debian = await seedImage(new RegistryClient({ registry: registry.host }), "library/debian", "trixie-slim", {
      platforms: ["linux/amd64", "linux/arm64/v8"],
    });
    await seedImage(new RegistryClient({ registry: registry.host }), "library/debian", "amd64-only", { platforms: ["linux/amd64"] });
  });
  afterAll(async () => {
    await registry?.stop();
    ws?.dispose();
  });

  it("--dry-run lists every file it would write, and writes none", () => {
    ws.branchFromMain("dry-run");
    const r = gen("hello-tools", "--parent", "toolbox-base", "--dry-run");
    expect(r.status, r.output).toBe(0);
    for (const f of [...CHILD_FILES, ".changeset/hello-tools-first-release.md"]) expect(r.output).toContain(`CREATE ${f}`);
    expect(r.output).toContain("UPDATE package-lock.json");
    expect(r.output).toContain('NOTE: The "dryRun" flag means no changes were made.');
    expect(changed()).toEqual([]);
  });

  describe("--parent toolbox-base", () => {
    let r: { status: number; output: string };
    beforeAll(() => {
      ws.branchFromMain("child");
      r = gen("hello-tools", "--parent", "toolbox-base", "--description", "Hello tools for the team");
    });

    it("writes the package, its package-lock entries and a changeset for its first release, nothing else", () => {
      expect(r.status, r.output).toBe(0);
      expect(changed()).toEqual([".changeset/hello-tools-first-release.md", ...CHILD_FILES, "package-lock.json"].sort());
      expect(r.output).toContain("packages/hello-tools is ready");
    });

    it("package.json: a private package pinning its parent's exact version; image.yaml: the parent and its platforms", () => {
      const parentVersion = JSON.parse(ws.read("packages/toolbox-base/package.json")).version;
      expect(JSON.parse(ws.read("packages/hello-tools/package.json"))).toEqual({
        name: "hello-tools",
        version: "0.0.0",
        private: true,
        description: "Hello tools for the team",
        license: "Apache-2.0",
        dependencies: { "toolbox-base": parentVersion },
      });
      const pkg = parseImagePackage({
        root: "packages/hello-tools",
        metadataText: ws.read("packages/hello-tools/image.yaml"),
        packageJsonText: ws.read("packages/hello-tools/package.json"),
        readFile: (rel) => ws.read(`packages/hello-tools/${rel}`),
      });
      expect(pkg.metadata).toMatchObject({ name: "hello-tools", parent: "toolbox-base", platforms: ["linux/amd64", "linux/arm64"], smoke: "smoke.yaml" });
      expect(pkg.metadata.base).toBeUndefined();
    });

    it("Dockerfile: ARG BASE_IMAGE, every stage FROM ${BASE_IMAGE}, the fetch-tools stage, a numeric non-root user", () => {
      const dockerfile = ws.read("packages/hello-tools/Dockerfile");
      expect(dockerfile).toMatch(/^ARG BASE_IMAGE$/m);
      expect(dockerfile.match(/^FROM .*$/gm)).toEqual(["FROM ${BASE_IMAGE} AS fetch", "FROM ${BASE_IMAGE}"]);
      expect(dockerfile).toContain("RUN /usr/local/libexec/toolbox/fetch-tools /tmp/tools.lock.json /out");
      expect(dockerfile).toContain("COPY --from=fetch /out/ /");
      expect(dockerfile).toContain('LABEL dev.image-tooling.tools="{}"');
      expect(dockerfile.trimEnd().split("\n").at(-1)).toBe("USER 10001:0");
    });

    it("smoke.yaml: real checks (toolbox-help --check, the user), an empty lock, a .dockerignore, toolbox data", () => {
      const spec = parseSmokeSpec(ws.read("packages/hello-tools/smoke.yaml"), "packages/hello-tools/smoke.yaml", "hello-tools");
      expect(spec.checks.find((c) => c.name === "every tool, the parent's included, reports its pinned version")).toMatchObject({
        run: ["toolbox-help", "--check"],
      });
      expect(spec.checks.find((c) => c.name === "runs as the non-root user")).toMatchObject({ run: ["id", "-u"] });
      const lock = parseLock(ws.read(`packages/hello-tools/${LOCK_FILE}`), LOCK_FILE, "hello-tools");
      expect(lock.problems).toEqual([]);
      expect(lock.lock).toMatchObject({ image: "hello-tools", tools: {}, debian: { packages: [], commands: {} } });
      expect(ws.read("packages/hello-tools/.dockerignore").split("\n")).toEqual(
        expect.arrayContaining(["README.md", "image.yaml", "smoke.yaml", "package.json"]),
      );
      expect(JSON.parse(ws.read("packages/hello-tools/rootfs/usr/local/share/toolbox/hello-tools.json"))).toEqual({
        image: "hello-tools",
        tools: {},
        debian: [],
      });
    });

    it("README: the generated contents and usage, naming the parent and the image's registry reference", () => {
      const readme = ws.read("packages/hello-tools/README.md");
      expect(readme).toMatch(/^# hello-tools\n\nHello tools for the team\n/);
      expect(readme).toContain("Built on [`toolbox-base`](../toolbox-base/README.md)");
      expect(readme).toContain("IMAGE=docker.io/imagetooling/hello-tools:0");
      expect(readme).toMatch(/<!-- BEGIN GENERATED usage: [^\n]*-->\n## Pull and run/);
    });

    it("changeset: a minor first release, so changesets versions it 0.1.0; package-lock.json lists the workspace package", () => {
      expect(ws.read(".changeset/hello-tools-first-release.md")).toBe(
        '---\n"hello-tools": minor\n---\n\nFirst release of the hello-tools image: Hello tools for the team.\n',
      );
      const pending = ws.run(process.execPath, ["--import", "tsx", "tools/release/src/pending-releases.ts"]);
      expect(pending.output).toContain("hello-tools: 0.0.0 → 0.1.0 (minor)");
      const lock = JSON.parse(ws.read("package-lock.json"));
      expect(lock.packages["packages/hello-tools"]).toEqual({ version: "0.0.0", license: "Apache-2.0", dependencies: { "toolbox-base": "1.0.0" } });
      expect(lock.packages["node_modules/hello-tools"]).toEqual({ resolved: "packages/hello-tools", link: true });
      const keys = Object.keys(lock.packages);
      expect(keys).toEqual([...keys].sort((a, b) => a.localeCompare(b, "en")));
    });

    it("passes lint as generated", () => {
      const lint = ws.nx("run", "hello-tools:lint");
      expect(lint.status, lint.output).toBe(0);
      expect(lint.output).toContain("Successfully ran target lint for project hello-tools");
    });

    it("is in the image graph under its parent at once, with every image target", () => {
      const g = graph();
      expect(g.dependencies["hello-tools"]).toEqual(expect.arrayContaining([{ source: "hello-tools", target: "toolbox-base", type: "static" }]));
      expect(g.nodes["hello-tools"]?.data.tags).toEqual(expect.arrayContaining(["type:image", "parent:toolbox-base"]));
      expect(Object.keys(g.nodes["hello-tools"]?.data.targets ?? {}).sort()).toEqual(expect.arrayContaining(["build", "lint", "publish", "smoke"]));
      const children = ws.nx("show", "projects", "--projects", "tag:parent:toolbox-base", "--json");
      expect(JSON.parse(children.output.slice(children.output.indexOf("[")))).toContain("hello-tools");
    });
  });

  describe("--base <ref>", () => {
    let r: { status: number; output: string };
    beforeAll(() => {
      ws.branchFromMain("root");
      r = gen("rooted", "--base", `${registry.host}/library/debian:trixie-slim`);
    });

    it("pins the multi-platform digest the registry serves for the tag", () => {
      expect(r.status, r.output).toBe(0);
      const meta = ws.read("packages/rooted/image.yaml");
      expect(meta).toContain(`base:\n  image: ${registry.host}/library/debian:trixie-slim\n  digest: ${debian.digest}\n`);
      expect(meta).toContain("platforms: [linux/amd64, linux/arm64]");
      expect(JSON.parse(ws.read("packages/rooted/package.json")).dependencies).toBeUndefined();
      expect(ws.read("packages/rooted/Dockerfile").match(/^(ARG BASE_IMAGE|FROM .*|USER .*)$/gm)).toEqual([
        "ARG BASE_IMAGE",
        "FROM ${BASE_IMAGE}",
        "USER 10001:0",
      ]);
    });

    it("passes lint and is a root of the image graph", () => {
      const lint = ws.nx("run", "rooted:lint");
      expect(lint.status, lint.output).toBe(0);
      const g = graph();
      expect(g.nodes.rooted?.data.tags).toEqual(expect.arrayContaining(["type:image", "base:external"]));
      expect(g.dependencies.rooted?.filter((d) => d.type === "static")).toEqual([]);
    });
  });

  describe("one clear error, no stack trace, nothing written", () => {
    const cases: [string, () => string[], () => string][] = [
      [
        "a bad name",
        () => ["Hello_Tools", "--parent", "toolbox-base"],
        () => `image name "Hello_Tools" must be lower-case letters, digits and single '.', '_' or '-' separators`,
      ],
      ["no name", () => ["--parent", "toolbox-base"], () => "name the new image: npx nx g @image-tooling/nx-image-plugin:image <name> --parent <image>"],
      [
        "an unknown parent",
        () => ["hello-tools", "--parent", "tooling-k9s"],
        () =>
          '--parent "tooling-k9s" is not an image package of this workspace (a packages/*/image.yaml): choose one of buildx, pandoc, toolbox-base, tooling-k8s, tooling-k8s-aws, tooling-k8s-openstack',
      ],
      [
        "both --parent and --base",
        () => ["hello-tools", "--parent", "toolbox-base", "--base", "docker.io/library/debian:trixie-slim"],
        () => "give either --parent (an image package of this workspace, built from the same commit) or --base (an external image, pinned by digest), not both",
      ],
      ["neither --parent nor --base", () => ["hello-tools"], () => "say what hello-tools builds on: --parent <image>"],
      ["an existing image", () => ["tooling-k8s", "--parent", "toolbox-base"], () => "packages/tooling-k8s already exists"],
      [
        "a base without a tag",
        () => ["rooted", "--base", `${registry.host}/library/debian`],
        () => `--base "${registry.host}/library/debian": cannot pin its digest: base image "${registry.host}/library/debian" has no tag`,
      ],
      [
        "a base missing a platform",
        () => ["rooted", "--base", `${registry.host}/library/debian:amd64-only`],
        () => `--base "${registry.host}/library/debian:amd64-only": cannot pin its digest: ${registry.host}/library/debian:amd64-only (sha256:`,
      ],
      [
        "a base by digest",
        () => ["rooted", "--base", `${registry.host}/library/debian@sha256:${"0".repeat(64)}`],
        () => "name a tag without a digest (e.g. docker.io/library/debian:trixie-slim); its current digest is read from the registry",
      ],
    ];
    it.each(cases)("%s", (_, args, message) => {
      ws.branchFromMain(`error-${_.replaceAll(/\W+/g, "-")}`);
      const r = gen(...args());
      expect(r.status, r.output).toBe(1);
      expect(r.output).toContain(message());
      expect(r.output).not.toMatch(/^\s+at /m);
      expect(r.output).not.toContain("stacktrace");
      expect(changed()).toEqual([]);
    });
  });
});
