import { readFileSync, statSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { TempWorkspace } from "@image-tooling/test-support/temp-workspace";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import compiled from "../compiled.cjs";

/**
 * The compiled CLI and executor against a real copy of this workspace: what
 * runs is always what the sources say, whatever happened to them since the
 * last compile, and a source that does not compile says where and what to do.
 */
describe("the compiled pipeline CLI and executor", () => {
  let ws: TempWorkspace;
  const logs: string[] = [];
  const entry = (name: string) => compiled.compiledEntry(ws.root, name, (line) => logs.push(line));
  const help = () => ws.run(process.execPath, [entry("pipeline-cli"), "--help"]);

  beforeAll(() => {
    ws = TempWorkspace.create({ withPackages: false });
  });
  afterAll(() => ws?.dispose());

  it("are compiled on first use, said once, and run without tsx", () => {
    expect(compiled.staleness(ws.root)).toBe("not compiled yet");
    const cli = entry("pipeline-cli");
    expect(logs).toEqual(["compiling the pipeline to JavaScript (not compiled yet) …"]);
    expect(cli).toBe(join(ws.root, "dist/compiled/pipeline-cli.mjs"));
    const r = ws.run(process.execPath, [cli, "--help"]);
    expect(r.status, r.output).toBe(0);
    expect(r.output).toContain("publish <images...>");
    expect(entry("nx-executor")).toBe(join(ws.root, "dist/compiled/nx-executor.cjs"));
    expect(logs).toHaveLength(1);
  });

  it("record every workspace source they were made from, and the lockfile", () => {
    const manifest = JSON.parse(ws.read("dist/compiled/manifest.json")) as { inputs: { path: string }[] };
    const paths = manifest.inputs.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        "package-lock.json",
        "libs/pipeline/src/cli/main.ts",
        "libs/pipeline/src/run/publish.ts",
        "tools/nx-image-plugin/src/executor/pipeline-executor.ts",
      ]),
    );
    // Workspace packages too (here the repository's own, which this copy's node_modules links to).
    expect(paths.some((p) => p.endsWith("libs/image-metadata/src/index.ts"))).toBe(true);
    expect(paths.some((p) => p.endsWith("tools/compile/compiled.cjs"))).toBe(true);
    expect(paths.some((p) => p.includes("node_modules"))).toBe(false);
  });

  it("are not compiled again when a checkout only moved a source's mtime", () => {
    const file = join(ws.root, "libs/pipeline/src/cli/main.ts");
    const later = new Date(statSync(file).mtimeMs + 60_000);
    utimesSync(file, later, later);
    expect(compiled.staleness(ws.root)).toBeUndefined();
    logs.length = 0;
    entry("pipeline-cli");
    expect(logs).toEqual([]);
  });

  it("are compiled again when a source changed, and then run the change", () => {
    ws.write(
      "libs/pipeline/src/cli/main.ts",
      ws.read("libs/pipeline/src/cli/main.ts").replace("build, then run each image's smoke spec", "build, then smoke-check each image"),
    );
    expect(compiled.staleness(ws.root)).toBe("libs/pipeline/src/cli/main.ts changed");
    logs.length = 0;
    const r = help();
    expect(logs).toEqual(["compiling the pipeline to JavaScript (libs/pipeline/src/cli/main.ts changed) …"]);
    expect(r.output).toContain("build, then smoke-check each image");
    expect(compiled.staleness(ws.root)).toBeUndefined();
  });

  it("are compiled again when a module they import changed, or the lockfile", () => {
    ws.append("libs/pipeline/src/run/publish.ts", "\n// changed\n");
    expect(compiled.staleness(ws.root)).toBe("libs/pipeline/src/run/publish.ts changed");
    entry("pipeline-cli");
    ws.append("package-lock.json", "\n");
    expect(compiled.staleness(ws.root)).toBe("package-lock.json changed");
    entry("pipeline-cli");
    expect(compiled.staleness(ws.root)).toBeUndefined();
  });

  it("a source that does not compile: esbuild names the file and line, one error says what to do, and the last good compile stays", () => {
    const before = readFileSync(join(ws.root, "dist/compiled/pipeline-cli.mjs"));
    ws.append("libs/pipeline/src/cli/run-cli.ts", "\nexport const broken = ;\n");
    let error: Error | undefined;
    try {
      entry("pipeline-cli");
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toMatch(/^compiling the pipeline in .* failed \(exit 1\): fix the errors above, then run `npm run compile`$/);
    expect(readFileSync(join(ws.root, "dist/compiled/pipeline-cli.mjs")).equals(before)).toBe(true);
    const r = ws.run(process.execPath, ["--import", "tsx", "tools/compile/src/main.ts"]);
    expect(r.status).toBe(1);
    expect(r.output).toContain("libs/pipeline/src/cli/run-cli.ts:");
    expect(r.output).toContain("compile failed:");
    expect(r.output).not.toMatch(/^\s+at /m);
  });
});
