import { releaseNotesUrl, type UpdateSource } from "@image-tooling/image-metadata";
import { FetchError, type Http } from "@image-tooling/pipeline/http";
import { newest, versionOfTag, type Newest } from "./versions.ts";

/** Where GitHub's REST API lives: GITHUB_API_URL (set on Actions runners and for GitHub Enterprise), else api.github.com. */
export interface GitHubAccess {
  apiUrl: string;
  token?: string;
}

export const githubAccess = (env: Record<string, string | undefined>): GitHubAccess => ({
  apiUrl: (env.GITHUB_API_URL || "https://api.github.com").replace(/\/+$/, ""),
  ...(env.GITHUB_TOKEN ? { token: env.GITHUB_TOKEN } : {}),
});

// Newest releases come first on GitHub; three pages reach far enough back for
// a repository that also releases other modules (kustomize) or old lines.
const MAX_PAGES = 3;

export class RateLimitError extends Error {
  override name = "RateLimitError";
}

/** GitHub answers 403/429 with x-ratelimit-remaining: 0 when the hourly allowance is used up. */
function rateLimited(e: unknown, access: GitHubAccess): Error | null {
  if (!(e instanceof FetchError) || e.kind !== "status" || (e.status !== 403 && e.status !== 429)) return null;
  if (e.headers?.["x-ratelimit-remaining"] !== "0" && e.status !== 429) return null;
  const reset = Number(e.headers?.["x-ratelimit-reset"]);
  const when = Number.isFinite(reset) && reset > 0 ? ` until ${new Date(reset * 1000).toISOString().slice(11, 16)} UTC` : "";
  return new RateLimitError(
    access.token
      ? `GitHub API rate limit reached${when} for the GITHUB_TOKEN in use; wait and run again`
      : `GitHub API rate limit reached${when} (60 requests an hour without a token); set GITHUB_TOKEN to raise it to 5,000`,
  );
}

const API_HEADERS = { accept: "application/vnd.github+json", "x-github-api-version": "2022-11-28" };

async function githubJson(http: Http, access: GitHubAccess, url: string): Promise<unknown> {
  const auth = access.token ? { originHeaders: { origin: new URL(access.apiUrl).origin, headers: { authorization: `Bearer ${access.token}` } } } : {};
  let body: string;
  try {
    body = (await http.text(url, { headers: API_HEADERS, ...auth })).body;
  } catch (e) {
    throw rateLimited(e, access) ?? e;
  }
  return JSON.parse(body) as unknown;
}

/** Tags of published, non-prerelease releases, newest first, up to MAX_PAGES pages. */
async function githubReleaseTags(http: Http, access: GitHubAccess, repo: string): Promise<string[]> {
  const tags: string[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const url = `${access.apiUrl}/repos/${repo}/releases?per_page=100&page=${page}`;
    const items = (await githubJson(http, access, url)) as { tag_name?: string; draft?: boolean; prerelease?: boolean }[];
    if (!Array.isArray(items)) throw new Error(`${url} did not answer a list`);
    for (const item of items) if (!item.draft && !item.prerelease && item.tag_name) tags.push(item.tag_name);
    if (items.length < 100) break;
  }
  return tags;
}

/**
 * Every tag starting with the pattern's fixed prefix, in one request (the
 * git matching-refs API): the tags list API pages in name order, where
 * 2.9.0 sorts before 2.36.0 and the newest may sit pages deep.
 */
async function githubTags(http: Http, access: GitHubAccess, repo: string, pattern: string): Promise<string[]> {
  const prefix = pattern.slice(0, pattern.indexOf("{version}"));
  const url = `${access.apiUrl}/repos/${repo}/git/matching-refs/tags${prefix ? `/${encodeURIComponent(prefix).replaceAll("%2F", "/")}` : ""}`;
  const refs = (await githubJson(http, access, url)) as { ref?: string }[];
  if (!Array.isArray(refs)) throw new Error(`${url} did not answer a list`);
  return refs.map((r) => (r.ref ?? "").replace(/^refs\/tags\//, "")).filter(Boolean);
}

async function tagAt(http: Http, url: string): Promise<string> {
  return (await http.text(url, { maxBytes: 4096 })).body.trim();
}

export interface Discovered extends Newest {
  /** Release notes of a version, for the pull request. */
  notesUrl: (version: string) => string | null;
}

/** The newest version on the tool's track and overall, read from its update source. */
export async function discover(http: Http, access: GitHubAccess, update: UpdateSource): Promise<Discovered> {
  const v = update.versions;
  const notes = (version: string): string | null => releaseNotesUrl(update, version);
  if ("github" in v) {
    const tags = v.from === "tags" ? await githubTags(http, access, v.github, v.tag) : await githubReleaseTags(http, access, v.github);
    const versions = tags.map((t) => versionOfTag(v.tag, t)).filter((x): x is string => x !== null);
    return { ...newest(versions, update.track), notesUrl: notes };
  }
  const read = async (url: string): Promise<string | null> => {
    const tag = await tagAt(http, url);
    const version = versionOfTag(v.tag, tag);
    if (version === null) throw new Error(`${url} says "${tag.slice(0, 60)}", which is not a tag like ${v.tag}`);
    return version;
  };
  const trackUrl = v.url.replaceAll("{track}", update.track ?? "");
  const onTrackVersion = await read(trackUrl);
  const overall = v.newestUrl ? await read(v.newestUrl) : onTrackVersion;
  const both = [onTrackVersion, overall].filter((x): x is string => x !== null);
  return { ...newest(both, update.track), notesUrl: notes };
}
