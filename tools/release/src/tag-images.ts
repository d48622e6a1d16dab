#!/usr/bin/env tsx
/**
 * After a successful publish: tag each newly released image version
 * `<image>@<version>` (changesets' own `changeset tag`), push those tags, and
 * optionally create one GitHub release per tag whose body is that image's
 * release notes (version, tags, digest, changes).
 *
 *   npm run release:tag -- [--notes dist/release-notes] [--remote origin] [--github-releases]
 *
 * Runs only after `nx affected -t publish` succeeded, so a tag never names a
 * version that is not in the registry.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { IMAGE_NAME_RULE, isImageName } from "@image-tooling/image-metadata";
import { runMain } from "@image-tooling/cli-support";

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], cwd: string): Run {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8" });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

function must(cmd: string, args: string[], cwd: string): string {
  const r = run(cmd, args, cwd);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed:\n${(r.stderr || r.stdout).trim()}`);
  return r.stdout;
}

/** The tags `changeset tag` just created, from its "New tag:" lines. */
function newTags(output: string): string[] {
  return [...output.matchAll(/New tag:\s+(\S+)/g)].map((m) => m[1]!);
}

function main(argv: string[]): number {
  const { values } = parseArgs({
    args: argv,
    options: {
      notes: { type: "string", default: "dist/release-notes" },
      remote: { type: "string", default: "origin" },
      "github-releases": { type: "boolean", default: false },
      cwd: { type: "string" },
    },
  });
  const cwd = resolve(values.cwd ?? process.cwd());
  const changesetBin = createRequire(join(cwd, "package.json")).resolve("@changesets/cli/bin.js");
  const tagged = must(process.execPath, [changesetBin, "tag"], cwd);
  const tags = newTags(tagged);
  if (tags.length === 0) {
    process.stdout.write("No new image version to tag.\n");
    return 0;
  }
  // --atomic: all tags land or none, so a retry starts from a clean slate.
  must("git", ["push", "--atomic", values.remote!, ...tags.map((t) => `refs/tags/${t}`)], cwd);
  process.stdout.write(`Pushed ${tags.join(", ")}\n`);

  if (values["github-releases"]) {
    for (const tag of tags) {
      const image = tag.slice(0, tag.lastIndexOf("@"));
      // The image part names the notes file: never a path of its own.
      if (!isImageName(image)) throw new Error(`tag ${tag}: "${image}" is not an image name (${IMAGE_NAME_RULE}); no release created for it`);
      const notes = join(cwd, values.notes!, `${image}.md`);
      const body = existsSync(notes) ? ["--notes-file", notes] : ["--notes", `${tag}: no release notes were rendered for this image.`];
      must("gh", ["release", "create", tag, "--verify-tag", "--title", tag, ...body], cwd);
      process.stdout.write(`GitHub release ${tag}\n`);
    }
  }
  return 0;
}

runMain("release:tag", () => main(process.argv.slice(2)));
