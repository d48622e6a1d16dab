#!/usr/bin/env tsx
/**
 * The missing-changeset check: fails when an image's inputs changed since the
 * base branch and no changeset in this change releases that image.
 *
 *   npm run check:changesets -- [--base <ref>] [--head <ref>] [--cwd <dir>]
 *
 * --base defaults to $NX_BASE, then origin/main; --head to $NX_HEAD, else the
 * working tree (uncommitted and untracked files count, so it can run before a commit).
 */
import { parseArgs } from "node:util";
import { collect } from "./collect.ts";
import { judge } from "./coverage.ts";
import { renderCheck } from "./render-check.ts";
import { runMain } from "@image-tooling/cli-support";

async function main(argv: string[], env: Record<string, string | undefined>): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { base: { type: "string" }, head: { type: "string" }, cwd: { type: "string" }, help: { type: "boolean", short: "h" } },
  });
  if (values.help) {
    process.stdout.write("Usage: npm run check:changesets -- [--base <ref>] [--head <ref>] [--cwd <dir>]\n");
    return 0;
  }
  const base = values.base ?? env.NX_BASE ?? "origin/main";
  const head = values.head ?? (env.NX_HEAD || undefined);
  const change = await collect(values.cwd ?? process.cwd(), base, head, env);
  if (change.problems.length) {
    process.stderr.write(`Invalid changesets:\n${change.problems.map((p) => `  ✗ ${p}`).join("\n")}\n`);
    return 1;
  }
  const verdicts = judge(change.images, change.changesets, change.releases);
  const report = renderCheck(verdicts, base);
  const failed = verdicts.some((v) => v.status === "missing");
  (failed ? process.stderr : process.stdout).write(report);
  return failed ? 1 : 0;
}

// The edge: argv and the environment are read here, once.
runMain("check:changesets", () => main(process.argv.slice(2), process.env), { failureCode: 2 });
