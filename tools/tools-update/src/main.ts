#!/usr/bin/env -S npx tsx
// npm run tools:update -- --help
import { commandWorkspace, runMain } from "@image-tooling/cli-support";
import { cli } from "./cli.ts";

runMain("tools:update", () =>
  cli(process.argv.slice(2), {
    root: commandWorkspace(process.env, process.cwd()),
    env: process.env,
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
  }),
);
