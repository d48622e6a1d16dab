#!/usr/bin/env tsx
/**
 * The `lint` target of every image. Nx runs it as
 * `tsx libs/image-lint/src/cli.ts <image>` from the workspace root; it needs
 * no engine, no registry and no network, and it is the only reason an image
 * depends on this lib, so a rule change re-runs `lint` and builds nothing.
 */
import { runLintCli } from "./lint-cli.ts";

runLintCli(process.argv.slice(2), process.env.NX_WORKSPACE_ROOT ?? process.cwd()).then(
  (code) => process.exit(code),
  (e: unknown) => {
    // Anything that reaches here is a bug: still one clear line first.
    process.stderr.write(`image-lint: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
