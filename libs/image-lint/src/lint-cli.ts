/**
 * What `tsx libs/image-lint/src/cli.ts <image>` does, as a function of its
 * arguments, the workspace root and where it prints (so tests need no process).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { formatProblem, ImageMetadataError, loadImageGraph, parseSmokeSpec } from "@image-tooling/image-metadata";
import { lintImage } from "./lint-image.ts";

export const USAGE = `Usage: tsx libs/image-lint/src/cli.ts <image>

Validates one image package offline: image.yaml, package.json and the
Dockerfile's BASE_IMAGE pattern (for every image, as the graph needs them),
the smoke spec, tools.lock.json, the Dockerfile rules, shellcheck and the
files generated from the lock (npm run image-docs). Exit 0 when clean, 1 when
there are problems (each names its file, image and field), 2 for usage.
Run from the workspace root (or set NX_WORKSPACE_ROOT).
`;

export interface Output {
  out: (line: string) => void;
  err: (line: string) => void;
}

const stdio: Output = { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) };

/** Lints the image named in argv; returns the exit code. Bad input prints one message per problem, never a stack. */
export async function runLintCli(argv: string[], root: string, io: Output = stdio): Promise<number> {
  if (argv.includes("-h") || argv.includes("--help")) {
    io.out(USAGE);
    return 0;
  }
  if (argv.length !== 1 || argv[0]!.startsWith("-")) {
    io.err(`lint takes exactly one image, e.g. \`tsx libs/image-lint/src/cli.ts tooling-k8s\`\n\n${USAGE}`);
    return 2;
  }
  const image = argv[0]!;
  try {
    // Every package, so a broken parent or a graph problem is reported here too.
    const graph = loadImageGraph(root);
    const pkg = graph.images.get(image);
    if (!pkg) {
      io.err(`unknown image "${image}": the images are ${graph.order.join(", ")}`);
      return 2;
    }
    const spec = parseSmokeSpec(readFileSync(join(root, pkg.files.smoke), "utf8"), pkg.files.smoke, pkg.name);
    const problems = await lintImage(root, pkg);
    for (const p of problems) io.out(`✘ ${formatProblem(p)}`);
    if (problems.length > 0) {
      io.out(`${image}: ${problems.length} problem(s)`);
      return 1;
    }
    io.out(
      `✔ ${image}: image.yaml, package.json, ${pkg.metadata.dockerfile}, ${pkg.metadata.smoke} (${spec.checks.length} checks), tools lock and scripts are clean`,
    );
    return 0;
  } catch (e) {
    if (!(e instanceof ImageMetadataError)) throw e;
    io.out(`✘ ${e.message}`);
    return 1;
  }
}
