/**
 * Versions as the updater reads them from tags: plain X.Y.Z only, so release
 * candidates, betas and nightlies are never picked.
 */
export type Version = [number, number, number];

const PLAIN = /^(\d+)\.(\d+)\.(\d+)$/;

export function parseVersion(v: string): Version | null {
  const m = PLAIN.exec(v);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

export function compareVersions(a: string, b: string): number {
  const x = parseVersion(a);
  const y = parseVersion(b);
  if (!x || !y) return a.localeCompare(b);
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The X.Y.Z version a tag stands for under a tag pattern ("v{version}", "kustomize/v{version}"), or null. */
export function versionOfTag(pattern: string, tag: string): string | null {
  const [before, after] = pattern.split("{version}") as [string, string];
  const m = new RegExp(`^${escapeRegExp(before)}(\\d+\\.\\d+\\.\\d+)${escapeRegExp(after ?? "")}$`).exec(tag.trim());
  return m ? m[1]! : null;
}

export const tagOf = (pattern: string, version: string): string => pattern.replaceAll("{version}", version);

/** A track is a major ("4") or major.minor ("1.37"); a version is on it when it starts with it. */
export const onTrack = (version: string, track: string | undefined): boolean => track === undefined || version === track || version.startsWith(`${track}.`);

export interface Newest {
  /** Newest version on the tool's track (the one the updater moves to); null when none is. */
  onTrack: string | null;
  /** Newest version of all, to show when a new major or minor line is out. */
  overall: string | null;
}

export function newest(versions: string[], track: string | undefined): Newest {
  const sorted = [...new Set(versions.filter((v) => parseVersion(v)))].sort(compareVersions);
  const tracked = sorted.filter((v) => onTrack(v, track));
  return { onTrack: tracked.at(-1) ?? null, overall: sorted.at(-1) ?? null };
}

/** patch when only the patch number moved; minor for a minor or major release of a tool (the image gains features, not a break). */
export function bumpFor(from: string, to: string): "patch" | "minor" {
  const a = parseVersion(from);
  const b = parseVersion(to);
  return a && b && a[0] === b[0] && a[1] === b[1] ? "patch" : "minor";
}
