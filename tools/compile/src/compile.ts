/**
 * Compiles the pipeline CLI and the image plugin's Nx executor into single
 * JavaScript files under dist/compiled (see ../compiled.cjs for why, and for
 * the freshness check that calls this when sources change).
 *
 * Each entry is one bundle of our code and the small libraries it uses. The
 * Dagger SDK stays outside: the pipeline loads it only when a run needs an
 * engine, so a publish with nothing to build never pays for it.
 */
import { mkdirSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { build, type Format } from "esbuild";
import compiled from "../compiled.cjs";

export interface Entry {
  source: string;
  file: string;
  format: Format;
}

export const ENTRIES: Record<string, Entry> = {
  "pipeline-cli": { source: "libs/pipeline/src/cli/main.ts", file: "pipeline-cli.mjs", format: "esm" },
  // Nx require()s executors.
  "nx-executor": { source: "tools/nx-image-plugin/src/executor/pipeline-executor.ts", file: "nx-executor.cjs", format: "cjs" },
  // Nx require()s plugins too, on every command.
  "nx-plugin": { source: "tools/nx-image-plugin/src/index.ts", file: "nx-plugin.cjs", format: "cjs" },
  // `nx g @image-tooling/nx-image-plugin:image`: its own bundle, so the plugin every command loads stays as small as it was.
  "nx-generator": { source: "tools/nx-image-plugin/src/generator/index.ts", file: "nx-generator.cjs", format: "cjs" },
  // What the plugin require()s beside itself only when an image package is not in its cache.
  "image-parser": { source: "libs/image-metadata/src/read.ts", file: "image-parser.cjs", format: "cjs" },
};

/** Loaded at run time from node_modules, never bundled (Nx is already loaded in the process that loads the plugin). */
const EXTERNAL = ["@dagger.io/dagger", "@nx/devkit", "nx"];

/** Lets bundled CommonJS libraries `require` inside an ES module. */
const ESM_REQUIRE = 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);';

/** import.meta.url in a CommonJS bundle (esbuild leaves it empty there): the bundle's own file, as in its ES module source. */
const CJS_IMPORT_META_URL = 'const __importMetaUrl = require("node:url").pathToFileURL(__filename).href;';

/** One bundle of `source`, written to `outfile` whole or not at all; returns the workspace files it was made from. */
export async function bundle(root: string, source: string, outfile: string, format: Format): Promise<string[]> {
  const result = await build({
    absWorkingDir: root,
    entryPoints: [source],
    bundle: true,
    platform: "node",
    target: "node20",
    format,
    external: EXTERNAL,
    banner: { js: format === "esm" ? ESM_REQUIRE : CJS_IMPORT_META_URL },
    define: format === "cjs" ? { "import.meta.url": "__importMetaUrl" } : undefined,
    write: false,
    metafile: true,
    outfile,
    logLevel: "warning",
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error(`esbuild wrote nothing for ${source}`);
  writeWhole(outfile, output.contents);
  return Object.keys(result.metafile.inputs).filter((f) => !f.includes("node_modules/"));
}

/** Compiles every entry of the workspace at `root` and records what they were made from. */
export async function compile(root: string): Promise<void> {
  const out = join(root, compiled.OUT_DIR);
  const inputs = new Set<string>(["package-lock.json"]);
  for (const entry of Object.values(ENTRIES)) {
    for (const file of await bundle(root, entry.source, join(out, entry.file), entry.format)) inputs.add(file);
  }
  const manifest = {
    entries: Object.fromEntries(Object.entries(ENTRIES).map(([name, e]) => [name, e.file])),
    inputs: [...inputs].sort().map((path) => {
      const stat = statSync(join(root, path));
      return { path, size: stat.size, mtimeMs: stat.mtimeMs, sha256: compiled.sha256Of(join(root, path)) };
    }),
  };
  // The manifest last: until it is written, the next run finds the compile unfinished and compiles again.
  writeWhole(join(out, compiled.MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** Writes `file` whole or not at all (a concurrent reader sees the old file or the new one), through a rename. */
function writeWhole(file: string, contents: string | Uint8Array): void {
  mkdirSync(join(file, ".."), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, contents);
  renameSync(tmp, file);
}
