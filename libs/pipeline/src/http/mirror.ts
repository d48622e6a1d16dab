/**
 * TOOLS_MIRROR: download through an artifact proxy (a Nexus or Artifactory
 * "raw" proxy repository). Entries "UPSTREAM_PREFIX=MIRROR_PREFIX", separated
 * by spaces or newlines; a URL starting with UPSTREAM_PREFIX is fetched from
 * MIRROR_PREFIX plus the rest of it, the first matching entry winning. The
 * same rules as fetch-tools (packages/tooling-k8s/rootfs/usr/local/libexec/toolbox/fetch-tools),
 * so the updater and the build read the same mirror. The sha256 checks do not
 * change: a mirror can make a download fail, never substitute one.
 */
export interface MirrorEntry {
  upstream: string;
  mirror: string;
}

export class MirrorConfigError extends Error {
  override name = "MirrorConfigError";
}

export function parseMirror(value: string | undefined): MirrorEntry[] {
  return (value ?? "")
    .split(/\s+/)
    .filter(Boolean)
    .map((entry) => {
      const eq = entry.indexOf("=");
      const upstream = eq < 0 ? "" : entry.slice(0, eq);
      const mirror = eq < 0 ? "" : entry.slice(eq + 1);
      if (!upstream || !mirror)
        throw new MirrorConfigError(
          `TOOLS_MIRROR entry "${entry}" is not UPSTREAM_PREFIX=MIRROR_PREFIX (e.g. https://github.com/=https://nexus.example.com/repository/github/)`,
        );
      if (!/^https:\/\//.test(mirror)) throw new MirrorConfigError(`TOOLS_MIRROR entry "${entry}": the mirror must be an https:// URL prefix`);
      return { upstream, mirror };
    });
}

/** The URL to fetch for an upstream URL. */
export function mirrored(url: string, entries: MirrorEntry[]): string {
  const hit = entries.find((e) => url.startsWith(e.upstream));
  return hit ? hit.mirror + url.slice(hit.upstream.length) : url;
}
