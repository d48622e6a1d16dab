// @ts-check
/**
 * The pipeline CLI and the image plugin's Nx executor run as JavaScript
 * compiled from their TypeScript sources (src/compile.ts, esbuild; `npm ci`
 * runs it through the workspace's `prepare` script). Node starts the
 * compiled CLI in a fraction of the time `node --import tsx` needs to load
 * the same modules, and Nx would load a .ts executor through its own
 * transpiler on every run (see `npm run bench` for both figures).
 *
 * Whoever starts them asks `compiledEntry` first. When a source changed since
 * the last compile (an edit, a checkout, a new lockfile) it compiles again and
 * says so, so an edit never runs stale code. This file is JavaScript because
 * it runs before anything is compiled.
 */
"use strict";
const { createHash } = require("node:crypto");
const { spawnSync } = require("node:child_process");
const { existsSync, readFileSync, statSync } = require("node:fs");
const { join } = require("node:path");

/** Where the compiled files live, under the workspace root (dist/ is not committed). */
const OUT_DIR = "dist/compiled";
const MANIFEST = "manifest.json";
/** The compiler, run from the workspace root when the compiled files are out of date. */
const COMPILER = "tools/compile/src/main.ts";

/**
 * @typedef {{ path: string, size: number, mtimeMs: number, sha256: string }} CompiledInput
 *   A source file the compiled files were made from, as it was then.
 * @typedef {{ entries: Record<string, string>, inputs: CompiledInput[] }} CompileManifest
 *   Entry name → file under OUT_DIR, and every workspace file the entries were compiled from.
 */

/** @param {string} file @returns {string} */
const sha256Of = (file) => createHash("sha256").update(readFileSync(file)).digest("hex");

/** @param {string} root @returns {CompileManifest | undefined} */
function readManifest(root) {
  try {
    return JSON.parse(readFileSync(join(root, OUT_DIR, MANIFEST), "utf8"));
  } catch {
    return undefined;
  }
}

/**
 * Why the compiled files of the workspace at `root` are out of date, or
 * undefined when they are not. A file whose size and mtime are as recorded is
 * not read; one whose mtime moved (a checkout) is compared by content.
 * @param {string} root
 * @returns {string | undefined}
 */
function staleness(root) {
  const manifest = readManifest(root);
  if (!manifest) return "not compiled yet";
  for (const input of manifest.inputs) {
    const file = join(root, input.path);
    let stat;
    try {
      stat = statSync(file);
    } catch {
      return `${input.path} is gone`;
    }
    if (stat.size === input.size && stat.mtimeMs === input.mtimeMs) continue;
    if (sha256Of(file) !== input.sha256) return `${input.path} changed`;
  }
  for (const file of Object.values(manifest.entries)) if (!existsSync(join(root, OUT_DIR, file))) return `${file} is missing`;
  return undefined;
}

/**
 * The path of a compiled entry (`pipeline-cli`, `nx-executor`) of the
 * workspace at `root`, compiled first when it is out of date.
 * @param {string} root
 * @param {string} entry
 * @param {(line: string) => void} [log]
 * @returns {string}
 */
function compiledEntry(root, entry, log = (line) => process.stderr.write(`${line}\n`)) {
  const why = staleness(root);
  if (why) {
    log(`compiling the pipeline to JavaScript (${why}) …`);
    // Its output goes to stderr: the caller's stdout may be a JSON plan.
    const r = spawnSync(process.execPath, ["--import", "tsx", COMPILER], { cwd: root, stdio: ["ignore", 2, 2] });
    if (r.status !== 0) {
      throw new Error(`compiling the pipeline in ${root} failed (${r.error ? r.error.message : `exit ${r.status}`}): fix the errors above, then run \`npm run compile\``);
    }
  }
  const file = readManifest(root)?.entries[entry];
  if (!file) throw new Error(`${join(root, OUT_DIR, MANIFEST)} names no entry "${entry}": run \`npm run compile\``);
  return join(root, OUT_DIR, file);
}

module.exports = { OUT_DIR, MANIFEST, sha256Of, staleness, compiledEntry };
