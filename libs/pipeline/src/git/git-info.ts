import { execFileSync } from "node:child_process";

export interface GitInfo {
  /** Full commit sha of HEAD. */
  revision: string;
  /** Committer date of HEAD, RFC 3339. */
  created: string;
  /** Uncommitted changes present: the build is not exactly `revision`. */
  dirty: boolean;
  branch?: string;
  /** https URL of the origin remote, when there is one. */
  remoteUrl?: string;
}

const git = (cwd: string, ...args: string[]): string => execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();

/** Turns git@host:org/repo.git and https://user:token@host/org/repo.git into https://host/org/repo. */
export function httpsRemote(url: string): string | undefined {
  const scp = /^[\w.-]+@([\w.-]+):(.+?)(\.git)?$/.exec(url);
  if (scp) return `https://${scp[1]}/${scp[2]}`;
  try {
    const u = new URL(url);
    if (!/^(https?|ssh|git):$/.test(u.protocol)) return undefined;
    return `https://${u.hostname}${u.pathname.replace(/\.git$/, "")}`;
  } catch {
    return undefined;
  }
}

export function readGitInfo(cwd: string): GitInfo {
  let revision: string;
  try {
    revision = git(cwd, "rev-parse", "HEAD");
  } catch {
    throw new Error(`${cwd} is not a git repository with at least one commit: the pipeline labels images with their commit (git init && git commit first)`);
  }
  const created = git(cwd, "show", "-s", "--format=%cI", "HEAD");
  const dirty = git(cwd, "status", "--porcelain", "--untracked-files=no").length > 0;
  let branch: string | undefined;
  try {
    branch = git(cwd, "symbolic-ref", "--short", "-q", "HEAD") || undefined;
  } catch {
    branch = undefined;
  }
  let remoteUrl: string | undefined;
  try {
    remoteUrl = httpsRemote(git(cwd, "remote", "get-url", "origin"));
  } catch {
    remoteUrl = undefined;
  }
  return { revision, created, dirty, branch, remoteUrl };
}
