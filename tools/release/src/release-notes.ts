#!/usr/bin/env tsx
/**
 * Release notes from the pipeline's result files: each image with its
 * version, tags, digest and CHANGELOG entry.
 *
 *   tsx tools/release/src/release-notes.ts [--results dist/images] [--out <dir>] [--cwd <dir>]
 *
 * Prints the notes; with --out also writes <dir>/release-notes.md and
 * <dir>/<image>.md (the body of that image's GitHub release); under GitHub
 * Actions appends them to the job summary.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { changelogEntry } from "./changelog-entry.ts";
import { renderImageNotes, renderReleaseNotes } from "./render-notes.ts";
import { readResults, type ImageResult } from "./result-file.ts";
import { runMain } from "@image-tooling/cli-support";

function changelogs(cwd: string, results: ImageResult[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of results) {
    // Image packages live at packages/<image>; project name = package name = image name.
    const file = join(cwd, "packages", r.image, "CHANGELOG.md");
    const entry = existsSync(file) ? changelogEntry(readFileSync(file, "utf8"), r.version) : undefined;
    if (entry) out.set(r.image, entry);
  }
  return out;
}

function main(argv: string[], stepSummary: string | undefined): number {
  const { values } = parseArgs({ args: argv, options: { results: { type: "string" }, out: { type: "string" }, cwd: { type: "string" } } });
  const cwd = resolve(values.cwd ?? process.cwd());
  const results = readResults(resolve(cwd, values.results ?? "dist/images"));
  const entries = changelogs(cwd, results);
  const notes = renderReleaseNotes(results, entries);
  process.stdout.write(notes);
  if (values.out) {
    const dir = resolve(cwd, values.out);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "release-notes.md"), notes);
    for (const r of results) writeFileSync(join(dir, `${r.image}.md`), renderImageNotes(r, entries.get(r.image)));
  }
  if (stepSummary) appendFileSync(stepSummary, `${notes}\n`);
  return 0;
}

// The edge: argv and the environment are read here, once.
runMain("release-notes", () => main(process.argv.slice(2), process.env.GITHUB_STEP_SUMMARY));
