import { createHash } from "node:crypto";
import { serveDownload, type UpstreamServer } from "@image-tooling/test-support/upstream-server";

/** Helpers that make the stand-in server answer like GitHub's API and the tools' download hosts. */
export const sha256 = (b: string | Buffer): string => createHash("sha256").update(b).digest("hex");

/** Every host the stand-in plays (its certificate names them all). */
export const UPSTREAM_HOSTS = [
  "api.github.com",
  "github.com",
  "objects.githubusercontent.com",
  "dl.k8s.io",
  "get.helm.sh",
  "download.docker.com",
  "dl.dagger.io",
  "awscli.amazonaws.com",
  "mirror.example.test",
];

export interface Release {
  tag: string;
  prerelease?: boolean;
  draft?: boolean;
}

/** GET /repos/<repo>/releases, newest first, as GitHub's REST API answers it (one page). */
export function githubReleases(s: UpstreamServer, repo: string, releases: Release[]): void {
  const body = releases.map((r) => ({
    tag_name: r.tag,
    name: r.tag,
    draft: r.draft ?? false,
    prerelease: r.prerelease ?? false,
    html_url: `https://github.com/${repo}/releases/tag/${r.tag}`,
  }));
  s.route(`https://api.github.com/repos/${repo}/releases?per_page=100&page=1`, {
    body: JSON.stringify(body),
    headers: { "content-type": "application/json", "x-ratelimit-remaining": "59" },
  });
}

/** GET /repos/<repo>/git/matching-refs/tags/<prefix> (repositories that tag without releases: docker/cli, aws/aws-cli). */
export function githubTags(s: UpstreamServer, repo: string, prefix: string, tags: string[]): void {
  const body = tags.map((name) => ({ ref: `refs/tags/${name}`, object: { type: "commit", sha: "0".repeat(40) } }));
  s.route(`https://api.github.com/repos/${repo}/git/matching-refs/tags${prefix ? `/${prefix}` : ""}`, {
    body: JSON.stringify(body),
    headers: { "content-type": "application/json" },
  });
}

/** A download, served like its host does (serveDownload), and its sha256. */
export function artifact(s: UpstreamServer, url: string, content: string): string {
  serveDownload(s, url, content);
  return sha256(content);
}

/** What the lock's current version of a tool answers, so it counts as current. */
export const bytesOf = (tool: string, version: string, arch: string): string => `${tool} ${version} for linux/${arch}\n`;
