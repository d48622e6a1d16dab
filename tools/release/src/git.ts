import { spawnSync } from "node:child_process";

export class GitError extends Error {}

function git(cwd: string, args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync("git", args, { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new GitError(`git ${args.join(" ")}: ${r.error.message}`);
  return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

function gitOk(cwd: string, args: string[]): string {
  const r = git(cwd, args);
  if (r.status !== 0) throw new GitError(`git ${args.join(" ")} failed: ${r.stderr.trim() || `exit ${r.status}`}`);
  return r.stdout;
}

/**
 * The commit a branch forked from: what a pull request is compared against.
 * A base ref that is not there (a shallow clone, a typo) is the usual CI
 * mistake, so say how to fix it.
 */
export function mergeBase(cwd: string, base: string, head = "HEAD"): string {
  const r = git(cwd, ["merge-base", base, head]);
  if (r.status !== 0) {
    throw new GitError(
      `cannot find where ${head} forked from "${base}" (${r.stderr.trim() || "no common ancestor"}). ` +
        `Fetch the base branch with its history (actions/checkout with fetch-depth: 0) or pass --base <ref>.`,
    );
  }
  return r.stdout.trim();
}

/**
 * Files changed since `from`: up to `head` when given, otherwise in the
 * working tree, untracked files included — so the check gives the same
 * answer before and after `git commit`.
 */
export function changedFiles(cwd: string, from: string, head?: string): string[] {
  const files = new Set(lines(gitOk(cwd, ["diff", "--name-only", "--no-renames", from, ...(head ? [head] : [])])));
  if (!head) for (const f of lines(gitOk(cwd, ["ls-files", "--others", "--exclude-standard"]))) files.add(f);
  return [...files].sort();
}

/** A file's content at a commit, or undefined when it did not exist there. */
export function fileAt(cwd: string, ref: string, path: string): string | undefined {
  const r = git(cwd, ["show", `${ref}:${path}`]);
  return r.status === 0 ? r.stdout : undefined;
}

/** Names of the entries of a directory at a commit (empty when it did not exist). */
export function filesAt(cwd: string, ref: string, dir: string): string[] {
  const r = git(cwd, ["ls-tree", "--name-only", `${ref}:${dir}`]);
  return r.status === 0 ? lines(r.stdout) : [];
}

const lines = (s: string): string[] => s.split("\n").filter(Boolean);
