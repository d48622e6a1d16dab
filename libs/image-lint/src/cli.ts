#!/usr/bin/env tsx
/**
 * The `lint` target of every image. Nx runs it as
 * `tsx libs/image-lint/src/cli.ts <image>` from the workspace root; it needs
 * no engine, no registry and no network, and it is the only reason an image
 * depends on this lib, so a rule change re-runs `lint` and builds nothing.
 */
import { runLintCli } from "./lint-cli.ts";
import { commandWorkspace, runMain } from "@image-tooling/cli-support";

runMain("image-lint", () => runLintCli(process.argv.slice(2), commandWorkspace(process.env, process.cwd())));
