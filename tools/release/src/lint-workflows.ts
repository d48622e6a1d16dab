#!/usr/bin/env tsx
/**
 * Lints .github/workflows/*.yml with actionlint, our pinning/permission rules
 * and our rules of who may hold release power (workflow-trust.ts).
 *
 *   npm run lint:workflows
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { actionlint, actionlintBinary } from "./actionlint.ts";
import { workflowProblems } from "./workflow-rules.ts";
import { trustProblems } from "./workflow-trust.ts";
import { runMain } from "@image-tooling/cli-support";

async function main(cwd: string, env: NodeJS.ProcessEnv): Promise<number> {
  const dir = join(".github", "workflows");
  const files = readdirSync(join(cwd, dir))
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => join(dir, f))
    .sort();
  const findings = [
    ...actionlint(await actionlintBinary(cwd, env), files, cwd).map((f) => `${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`),
    ...files.flatMap((f) => {
      const text = readFileSync(join(cwd, f), "utf8");
      return [...workflowProblems(text), ...trustProblems(text)].map((p) => `${f}:${p.line}: ${p.message}`);
    }),
  ];
  process.stdout.write(findings.length ? `${findings.join("\n")}\n` : `${files.length} workflow files: no problems.\n`);
  return findings.length ? 1 : 0;
}

// The edge: the environment is read here, once.
runMain("lint:workflows", () => main(process.cwd(), process.env), { failureCode: 2 });
