#!/usr/bin/env -S npx tsx
// image-docs [--check] [image...]
//   Regenerates what comes from each image's tools.lock.json (README blocks,
//   Dockerfile tools label, smoke version checks, toolbox data, shared
//   script copies). --check writes nothing and exits 1 when anything is stale.
import { commandWorkspace, runMain } from "@image-tooling/cli-support";
import { formatProblem, readImagePackages } from "@image-tooling/image-metadata";
import { checkGeneratedFiles, loadImageContext } from "@image-tooling/image-lint";
import { writeGenerated } from "./write-generated.ts";

const workspaceRoot = commandWorkspace(process.env, process.cwd());

function main(args: string[]): number {
  const check = args.includes("--check");
  const images = args.filter((a) => !a.startsWith("--"));
  if (check) {
    const problems = readImagePackages(workspaceRoot)
      .filter((p) => images.length === 0 || images.includes(p.name))
      .flatMap((pkg) => {
        const { ctx, problems: load } = loadImageContext(workspaceRoot, pkg);
        return ctx ? [...load, ...checkGeneratedFiles(workspaceRoot, ctx)] : load;
      });
    for (const p of problems) console.error(formatProblem(p));
    console.log(problems.length ? `image-docs: ${problems.length} problem(s)` : "image-docs: every generated file is up to date");
    return problems.length ? 1 : 0;
  }
  const { written, unchanged, problems } = writeGenerated(workspaceRoot, images);
  for (const f of written) console.log(`wrote ${f}`);
  for (const p of problems) console.error(formatProblem(p));
  console.log(`image-docs: ${written.length} written, ${unchanged.length} unchanged${problems.length ? `, ${problems.length} problem(s)` : ""}`);
  return problems.length ? 1 : 0;
}

runMain("image-docs", () => main(process.argv.slice(2)));
