import { execFile } from "node:child_process";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import type { MetadataProblem } from "@image-tooling/image-metadata";
import { unverifiedDownload } from "./downloads.ts";

const SHELL_SHEBANG = /^#!\s*(\/usr)?\/bin\/(env\s+)?(sh|bash|dash)\b/;
const SKIP_DIRS = new Set(["node_modules", ".git", "dist"]);

/** Workspace-relative paths of the shell scripts under a directory: a sh/bash shebang or a .sh name. */
export function findShellScripts(workspaceRoot: string, dir: string): string[] {
  const out: string[] = [];
  const walk = (abs: string): void => {
    for (const entry of readdirSync(abs, { withFileTypes: true })) {
      const path = join(abs, entry.name);
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name)) walk(path);
      } else if (entry.isFile() && (entry.name.endsWith(".sh") || SHELL_SHEBANG.test(readFileSync(path, "utf8").slice(0, 100)))) {
        out.push(relative(workspaceRoot, path));
      }
    }
  };
  walk(join(workspaceRoot, dir));
  return out.sort();
}

interface ShellcheckComment {
  file: string;
  line: number;
  column: number;
  level: string;
  code: number;
  message: string;
}

/**
 * shellcheck on every script, every severity. A missing shellcheck is a
 * problem, not a skip: CI must not go green without having looked.
 */
export async function shellcheck(workspaceRoot: string, files: string[], image?: string, bin = "shellcheck"): Promise<MetadataProblem[]> {
  if (files.length === 0) return [];
  const result = await new Promise<{ stdout: string; error: (Error & { code?: string | number | null }) | null }>((resolve) => {
    execFile(
      bin,
      ["--format=json1", "--severity=style", "--external-sources", ...files],
      { cwd: workspaceRoot, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout) => resolve({ stdout, error }),
    );
  });
  if (result.error?.code === "ENOENT") {
    return [
      {
        file: files[0]!,
        image,
        message: "cannot be checked: shellcheck is not installed",
        hint: "apt-get install shellcheck (the harness provision step installs it)",
      },
    ];
  }
  let comments: ShellcheckComment[];
  try {
    comments = (JSON.parse(result.stdout) as { comments: ShellcheckComment[] }).comments;
  } catch {
    return [{ file: files[0]!, image, message: `shellcheck failed: ${result.error?.message ?? "unreadable output"}` }];
  }
  return comments.map((c) => ({
    file: c.file,
    image,
    field: `line ${c.line}`,
    message: `SC${c.code} (${c.level}): ${c.message}`,
    hint: `https://www.shellcheck.net/wiki/SC${c.code}`,
  }));
}

/** Scripts must be executable (COPY keeps the mode) and must not fetch unverified. */
export function checkScriptFiles(workspaceRoot: string, files: string[], image?: string): MetadataProblem[] {
  const problems: MetadataProblem[] = [];
  for (const file of files) {
    const abs = join(workspaceRoot, file);
    if ((statSync(abs).mode & 0o111) === 0)
      problems.push({ file, image, message: "is not executable", hint: `chmod +x ${file} (git keeps the bit; COPY keeps it in the image)` });
    const why = unverifiedDownload(readFileSync(abs, "utf8"));
    if (why) problems.push({ file, image, message: `${why}` });
  }
  return problems;
}
