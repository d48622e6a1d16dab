#!/usr/bin/env -S npx tsx
import { readFileSync } from "node:fs";
import path from "node:path";
import { helpText, parseCli, UsageError } from "./args.ts";
import { ConfigError, resolveConfig } from "./config.ts";
import { formatHarnessError, HarnessError } from "./errors.ts";
import { provision } from "./provision.ts";
import { collectStatus, renderStatus } from "./status.ts";
import { teardown } from "./teardown.ts";
import { INSTALL_ROOT, runMain } from "@image-tooling/cli-support";

const repoRoot = INSTALL_ROOT;

async function main(argv: readonly string[]): Promise<number> {
  const command = parseCli(argv);
  if (command.kind === "help") {
    process.stdout.write(helpText(command.topic));
    return 0;
  }
  // The edge: the environment is read here, once, into a typed config.
  const cfg = resolveConfig({
    env: process.env,
    repoRoot,
    lockfile: JSON.parse(readFileSync(path.join(repoRoot, "package-lock.json"), "utf8")),
  });
  switch (command.kind) {
    case "provision":
      // process.env itself, not a copy: the SDK reads the engine's address there (provision.ts verify).
      await provision(cfg, process.env);
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

runMain("harness", () => main(process.argv.slice(2)), {
  onError: (err) => {
    if (err instanceof UsageError) {
      process.stderr.write(`✗ ${err.message}\n  → see: npm run harness -- --help\n`);
      return 2;
    }
    if (err instanceof HarnessError) {
      process.stderr.write(`\n${formatHarnessError(err)}\n`);
      return 1;
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`\n✗ ${err.message}\n`);
      return 1;
    }
    return undefined;
  },
});
