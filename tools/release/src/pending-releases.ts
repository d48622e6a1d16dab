#!/usr/bin/env tsx
/**
 * Are there changesets waiting to become a "Version images" pull request?
 *
 *   npm run release:pending        prints the pending releases; under GitHub
 *                                  Actions writes pending=true|false to $GITHUB_OUTPUT
 *
 * Decided from the release plan, not from the files: an empty changeset
 * (`npx changeset --empty`) releases nothing, and must not hold back the
 * publish step the way a file count would.
 */
import { appendFileSync } from "node:fs";
import readChangesets from "@changesets/read";
import { releasesFor } from "./release-plan.ts";
import { runMain } from "@image-tooling/cli-support";

async function main(cwd: string, githubOutput: string | undefined): Promise<number> {
  const releases = await releasesFor(cwd, await readChangesets(cwd));
  const lines = releases.map((r) => `  ${r.name}: ${r.oldVersion} → ${r.newVersion} (${r.type})`);
  process.stdout.write(releases.length ? `Pending image releases:\n${lines.join("\n")}\n` : "No pending image releases.\n");
  if (githubOutput) appendFileSync(githubOutput, `pending=${releases.length > 0}\n`);
  return 0;
}

// The edge: the environment is read here, once.
runMain("release:pending", () => main(process.cwd(), process.env.GITHUB_OUTPUT));
