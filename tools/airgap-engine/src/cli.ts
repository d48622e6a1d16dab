#!/usr/bin/env -S npx tsx
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { helpText, parseCli, UsageError } from "./args.ts";
import { ConfigError, resolveConfig } from "./config.ts";
import { formatHarnessError, HarnessError } from "./errors.ts";
import { provision } from "./provision.ts";
import { collectStatus, renderStatus } from "./status.ts";
import { teardown } from "./teardown.ts";
import { exitWhenFlushed } from "@image-tooling/pipeline/exit";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

async function main(argv: readonly string[]): Promise<number> {
  const command = parseCli(argv);
  if (command.kind === "help") {
    process.stdout.write(helpText(command.topic));
    return 0;
  }
  const cfg = resolveConfig({
    env: process.env,
    repoRoot,
    lockfile: JSON.parse(readFileSync(path.join(repoRoot, "package-lock.json"), "utf8")),
  });
  switch (command.kind) {
    case "provision":
      await provision(cfg);
      return 0;
    case "status": {
      const status = await collectStatus(cfg);
      process.stdout.write(command.json ? `${JSON.stringify(status, null, 2)}\n` : `${renderStatus(status)}\n`);
      return 0;
    }
    case "teardown":
      await teardown(cfg, { purge: command.purge });
      return 0;
  }
}

main(process.argv.slice(2)).then(exitWhenFlushed, (err: unknown) => {
  if (err instanceof UsageError) {
    process.stderr.write(`✗ ${err.message}\n  → see: npm run harness -- --help\n`);
    return exitWhenFlushed(2);
  }
  if (err instanceof HarnessError) {
    process.stderr.write(`\n${formatHarnessError(err)}\n`);
    return exitWhenFlushed(1);
  }
  if (err instanceof ConfigError) {
    process.stderr.write(`\n✗ ${err.message}\n`);
    return exitWhenFlushed(1);
  }
  process.stderr.write(`\n✗ unexpected failure: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return exitWhenFlushed(1);
});
