#!/usr/bin/env -S npx tsx
// npm run tools:update -- --help
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { cli } from "./cli.ts";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
cli(process.argv.slice(2), { root, env: process.env, out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) }).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`tools:update: unexpected failure: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
