/**
 * `npm run compile` (and `npm ci`, through `prepare`): compiles the pipeline
 * CLI and the Nx executor of this workspace to JavaScript in dist/compiled.
 */
import { performance } from "node:perf_hooks";
import compiled from "../compiled.cjs";
import { compile, ENTRIES } from "./compile.ts";

const root = process.cwd();
const t0 = performance.now();
try {
  await compile(root);
  process.stderr.write(`compiled ${Object.keys(ENTRIES).join(", ")} into ${compiled.OUT_DIR} (${Math.round(performance.now() - t0)} ms)\n`);
} catch (e) {
  // esbuild has already printed each error with its file and line.
  process.stderr.write(`compile failed: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}\n`);
  process.exit(1);
}
