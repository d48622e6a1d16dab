import { describe, expect, it } from "vitest";
import { boundaryViolations, ENV_EDGES, envReadLines, envViolations, importSpecifiers, splitSpecifier, type WorkspacePackage } from "../src/boundaries.ts";

const pkg = (name: string, dir: string, declared: string[] = [], exports?: string[]): WorkspacePackage => ({
  name,
  dir,
  declared: new Set(declared),
  ...(exports && { exports: new Set(exports) }),
});
const PACKAGES = [
  pkg("@x/pipeline", "libs/pipeline", ["semver"], [".", "./registry"]),
  pkg("@x/release", "tools/release", ["@x/pipeline"], ["./notes"]),
  pkg("@x/support", "tools/support", [], ["./workspace"]),
  pkg("@x/docs", "tools/docs"),
];
const check = (path: string, ...imports: string[]) =>
  boundaryViolations(PACKAGES, new Set(["vitest"]), [{ path, imports }]).map((v) => `${v.specifier}: ${v.message}`);

describe("package boundaries", () => {
  it("a relative import into another package is refused, naming the package and its front door", () => {
    expect(check("tools/release/src/collect.ts", "../../../libs/pipeline/src/run/affected.ts")).toEqual([
      `../../../libs/pipeline/src/run/affected.ts: reaches into @x/pipeline (libs/pipeline) by a relative path: import it by name through its exports (add the subpath to libs/pipeline/package.json "exports" if it is not there)`,
    ]);
    // Inside its own package, relative paths are the way.
    expect(check("tools/release/src/collect.ts", "./git.ts", "../test/fixtures/a.ts")).toEqual([]);
  });

  it("a workspace package imported by name from sources must be declared and export the subpath", () => {
    expect(check("tools/release/src/a.ts", "@x/pipeline/registry")).toEqual([]);
    expect(check("tools/release/src/a.ts", "@x/pipeline/src/run/affected.ts")).toEqual([
      '@x/pipeline/src/run/affected.ts: @x/pipeline does not export "./src/run/affected.ts" (it exports ., ./registry)',
    ]);
    expect(check("libs/pipeline/src/a.ts", "@x/release/notes")).toEqual([
      '@x/release/notes: @x/release is not a dependency of @x/pipeline: add it to libs/pipeline/package.json "dependencies"',
    ]);
    expect(check("tools/release/src/a.ts", "@x/docs")).toEqual(['@x/docs: @x/docs has no "exports" in tools/docs/package.json: give it a front door']);
    expect(check("tools/release/src/a.ts", "@x/release/notes")).toEqual([
      "@x/release/notes: imports its own package by name: use a relative path inside tools/release",
    ]);
  });

  it("test files may import workspace packages by name undeclared (keeping test helpers out of the images' graph), never by relative path", () => {
    expect(check("libs/pipeline/test/a.test.ts", "@x/support/workspace", "@x/release/notes")).toEqual([]);
    expect(check("libs/pipeline/test/a.test.ts", "../../../tools/support/src/workspace.ts")).toHaveLength(1);
  });

  it("third-party packages are declared by the package or the workspace root; Node's built-ins need nothing", () => {
    expect(check("libs/pipeline/src/a.ts", "semver", "vitest", "node:fs", "fs/promises")).toEqual([]);
    expect(check("tools/release/src/a.ts", "semver")).toEqual([
      "semver: semver is declared neither by @x/release (tools/release/package.json) nor by the workspace root",
    ]);
    expect(splitSpecifier("@scope/name/sub/path")).toEqual(["@scope/name", "./sub/path"]);
    expect(splitSpecifier("yaml")).toEqual(["yaml", "."]);
  });

  it("reads static, multi-line, side-effect, type-only and dynamic imports, re-exports and require; not text in strings or comments", () => {
    const source = [
      'import { a } from "one";',
      "import {",
      "  b,",
      "  c,",
      '} from "two";',
      'import type { T } from "three";',
      'import "four";',
      'export { d } from "five";',
      // Split so that this file's own source holds no such call for the check to find.
      `const m = await ${"import"}("six");`,
      `const r = ${"require"}("seven");`,
      'say(`  tests:  import { x } from "not-an-import"`);',
      '// import { y } from "a-comment"',
      '/* import { z } from "a-block-comment" */',
    ].join("\n");
    expect(importSpecifiers(source).sort()).toEqual(["five", "four", "one", "seven", "six", "three", "two"]);
  });
});

describe("layers inside a package", () => {
  const layered: WorkspacePackage = { ...pkg("@x/pipeline", "libs/pipeline"), layers: [["config", "log"], ["attest"], ["run"], ["cli"]] };
  const inLayers = (path: string, ...imports: string[]) =>
    boundaryViolations([layered], new Set(), [{ path, imports }]).map((v) => `${v.specifier}: ${v.message}`);

  it("a folder imports its own layer and those below it", () => {
    expect(inLayers("libs/pipeline/src/run/publish.ts", "../attest/sign.ts", "../log/logger.ts", "./build-session.ts")).toEqual([]);
    expect(inLayers("libs/pipeline/src/config/config.ts", "../log/logger.ts")).toEqual([]);
    // The front door (src/index.ts) and tests sit above every layer.
    expect(inLayers("libs/pipeline/src/index.ts", "./cli/main.ts")).toEqual([]);
    expect(inLayers("libs/pipeline/test/a.test.ts", "../src/cli/main.ts")).toEqual([]);
  });

  it("an import up the layers is refused, naming both layers and what to do", () => {
    expect(inLayers("libs/pipeline/src/attest/publish-step.ts", "../run/build-session.ts")).toEqual([
      `../run/build-session.ts: attest (layer 2) imports run (layer 3), above it: layers point one way (libs/pipeline/package.json "layers", lowest first); move what both need down, or pass it in`,
    ]);
  });

  it("a folder in no layer is refused, so a new folder gets a place", () => {
    expect(inLayers("libs/pipeline/src/stage/merge.ts", "../attest/sign.ts")).toEqual([
      `../attest/sign.ts: src/stage is in no layer of @x/pipeline: add it to libs/pipeline/package.json "layers" (lowest first)`,
    ]);
  });
});

describe("the environment is read only at a CLI's edge", () => {
  const EDGES = [
    { path: "libs/pipeline/src/cli/main.ts", why: "the program" },
    { path: "tools/support/", why: "test code" },
  ];
  const fixture = (path: string, source: string) => ({ path, imports: [], envReads: envReadLines(source) });
  const below = [
    "export function heartbeat(): number {",
    "  // process.env in a comment is no read",
    "  return Number(process.env.HEARTBEAT_MS ?? 15000);",
    "}",
  ].join("\n");
  const edge = fixture("libs/pipeline/src/cli/main.ts", "runArgv(process.argv.slice(2), process.env);");
  const check = (...files: ReturnType<typeof fixture>[]) => envViolations(PACKAGES, [edge, ...files], EDGES);

  it("a read below the edge is reported with its file and line and what to do instead", () => {
    const found = check(fixture("libs/pipeline/src/report/logger.ts", below));
    expect(found).toEqual([
      {
        file: "libs/pipeline/src/report/logger.ts",
        line: 3,
        specifier: "process.env",
        message: expect.stringMatching(/^reads the environment below its CLI's edge: take the value .* as a parameter from its caller/),
      },
    ]);
    expect(found[0]!.message).toContain("ENV_EDGES in tools/maintenance/src/boundaries.ts");
  });

  it("the edge files, a listed folder, tests and anything outside a package's src/ may read it", () => {
    expect(
      check(
        fixture("tools/support/src/run.ts", below),
        fixture("libs/pipeline/test/logger.test.ts", below),
        fixture("libs/pipeline/src/report/logger.test.ts", below),
        fixture("libs/pipeline/vitest.config.ts", below),
      ),
    ).toEqual([]);
  });

  it("an entry naming a file that is not there is reported, so the list stays the list of edges", () => {
    expect(envViolations(PACKAGES, [], EDGES).map((v) => `${v.file}: ${v.message}`)).toEqual([
      "libs/pipeline/src/cli/main.ts: is on ENV_EDGES (tools/maintenance/src/boundaries.ts) but is not a source file of any package: correct or remove the entry",
    ]);
  });

  it("finds every spelling of a read, on its line, and none in comments", () => {
    const source = [
      "const a = process.env.A;", // 1
      'const b = process["env"].B;', // 2
      "const { env } = process;", // 3
      'import { env as e } from "node:process";', // 4
      "const c = globalThis.process.env;", // 5
      "// process.env.D", // 6
      "/* process.env.E", // 7
      "   process.env.F */", // 8
      "const f = (env = {}) => env;", // 9
    ].join("\n");
    expect(envReadLines(source)).toEqual([1, 2, 3, 4, 5]);
  });

  it("every edge says why", () => {
    for (const e of ENV_EDGES) expect(e.why.length, e.path).toBeGreaterThan(5);
  });
});
