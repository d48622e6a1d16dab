import { compareDebianVersions } from "./debian-version.ts";

/**
 * "What changed" between two published versions of an image: its tools, its
 * Debian packages per platform, its base or parent by digest and its
 * compressed size per platform. The facts of each version are read from the
 * registry elsewhere (read-version.ts); this compares them. Pure.
 */

/** A tool pinned in a tools.lock.json (the image's or an ancestor's), as the version's SBOM or its lock records it. */
export interface ToolPin {
  name: string;
  version: string;
  /** The lock that pins it, e.g. packages/tooling-k8s/tools.lock.json. */
  lock: string;
}

export interface DebianPackage {
  name: string;
  version: string;
}

/** What one published version is, as far as the comparison needs. */
export interface VersionFacts {
  version: string;
  /** The index digest `X.Y.Z` points at. */
  digest: string;
  /** The base or parent the image was built on (its OCI base labels). */
  base?: { name: string; digest: string };
  /** Platform → compressed size in bytes (the sum of its layers in the registry). */
  sizes: Record<string, number>;
  /** The tools, and where they were read from; or why they are not known. */
  tools: { pins: ToolPin[]; from: string } | { unknown: string };
  /** Platform → its Debian packages from its SBOM, or why they are not known. */
  packages: Record<string, DebianPackage[] | { unknown: string }>;
}

/** Release notes of a tool's version (from its lock's update source), when known. */
export type NotesUrl = (tool: string, version: string) => string | null;

export interface ToolChanges {
  /** Moved to another version; `notes`: that version's release notes. */
  moved: { name: string; from: string; to: string; lock: string; notes?: string }[];
  added: (ToolPin & { notes?: string })[];
  removed: ToolPin[];
}

export interface PackageChanges {
  upgraded: { name: string; from: string; to: string }[];
  downgraded: { name: string; from: string; to: string }[];
  added: DebianPackage[];
  removed: DebianPackage[];
}

/** The comparison of a version with the one published before it; `previous` null: it has no predecessor. */
export interface ImageChanges {
  image: string;
  version: string;
  digest: string;
  previous: { version: string; digest: string } | null;
  tools?: ToolChanges | { unknown: string };
  /** Platform → its package changes (platforms of either version). */
  packages?: Record<string, PackageChanges | { unknown: string }>;
  base?: { from?: { name: string; digest: string }; to?: { name: string; digest: string }; changed: boolean };
  /** Platform → compressed sizes of both versions (a platform one of them lacks has only the other). */
  sizes?: Record<string, { from?: number; to?: number; delta?: number }>;
}

const byName = <T extends { name: string }>(xs: T[]): T[] => [...xs].sort((a, b) => a.name.localeCompare(b.name));

/** Tools by name: a tool pinned in another lock than before (moved from a parent to the child) is still the same tool. */
export function diffTools(before: ToolPin[], after: ToolPin[], notesUrl: NotesUrl = () => null): ToolChanges {
  const was = new Map(before.map((t) => [t.name, t]));
  const is = new Map(after.map((t) => [t.name, t]));
  const notes = (t: ToolPin) => {
    const url = notesUrl(t.name, t.version);
    return url ? { notes: url } : {};
  };
  return {
    moved: byName(after.filter((t) => was.has(t.name) && was.get(t.name)!.version !== t.version)).map((t) => ({
      name: t.name,
      from: was.get(t.name)!.version,
      to: t.version,
      lock: t.lock,
      ...notes(t),
    })),
    added: byName(after.filter((t) => !was.has(t.name))).map((t) => ({ ...t, ...notes(t) })),
    removed: byName(before.filter((t) => !is.has(t.name))),
  };
}

/** Debian packages by name; a changed version is an upgrade or a downgrade in Debian's version order. */
export function diffPackages(before: DebianPackage[], after: DebianPackage[]): PackageChanges {
  const was = new Map(before.map((p) => [p.name, p.version]));
  const is = new Map(after.map((p) => [p.name, p.version]));
  const changed = byName(after.filter((p) => was.has(p.name) && was.get(p.name) !== p.version)).map((p) => ({
    name: p.name,
    from: was.get(p.name)!,
    to: p.version,
  }));
  return {
    upgraded: changed.filter((c) => compareDebianVersions(c.to, c.from) > 0),
    downgraded: changed.filter((c) => compareDebianVersions(c.to, c.from) < 0),
    added: byName(after.filter((p) => !was.has(p.name))),
    removed: byName(before.filter((p) => !is.has(p.name))),
  };
}

const unknown = (x: unknown): x is { unknown: string } => typeof x === "object" && x !== null && "unknown" in x;

/** `current` against `previous` (undefined: the first published version of the image). */
export function compareVersions(image: string, previous: VersionFacts | undefined, current: VersionFacts, notesUrl?: NotesUrl): ImageChanges {
  const head = { image, version: current.version, digest: current.digest };
  if (!previous) return { ...head, previous: null };
  const tools = unknown(previous.tools)
    ? { unknown: `${previous.version}: ${previous.tools.unknown}` }
    : unknown(current.tools)
      ? { unknown: `${current.version}: ${current.tools.unknown}` }
      : diffTools(previous.tools.pins, current.tools.pins, notesUrl);
  const platforms = [...new Set([...Object.keys(previous.packages), ...Object.keys(current.packages)])].sort();
  const packages = Object.fromEntries(
    platforms.map((p) => {
      const a = previous.packages[p];
      const b = current.packages[p];
      if (!a || !b) return [p, { unknown: `${!a ? previous.version : current.version} has no ${p} image` }];
      if (unknown(a)) return [p, { unknown: `${previous.version}: ${a.unknown}` }];
      if (unknown(b)) return [p, { unknown: `${current.version}: ${b.unknown}` }];
      return [p, diffPackages(a, b)];
    }),
  );
  const sizePlatforms = [...new Set([...Object.keys(previous.sizes), ...Object.keys(current.sizes)])].sort();
  const sizes = Object.fromEntries(
    sizePlatforms.map((p) => {
      const from = previous.sizes[p];
      const to = current.sizes[p];
      return [p, { from, to, ...(from !== undefined && to !== undefined && { delta: to - from }) }];
    }),
  );
  const changed = previous.base?.digest !== current.base?.digest || previous.base?.name !== current.base?.name;
  return {
    ...head,
    previous: { version: previous.version, digest: previous.digest },
    tools,
    packages,
    base: { from: previous.base, to: current.base, changed },
    sizes,
  };
}

/** Whether a comparison found nothing at all to report (same tools, packages, base and sizes). */
export function nothingChanged(c: ImageChanges): boolean {
  const t = c.tools;
  const toolsSame = t !== undefined && !unknown(t) && t.moved.length + t.added.length + t.removed.length === 0;
  const packagesSame = Object.values(c.packages ?? {}).every(
    (p) => !unknown(p) && p.upgraded.length + p.downgraded.length + p.added.length + p.removed.length === 0,
  );
  const sizesSame = Object.values(c.sizes ?? {}).every((s) => s.delta === 0);
  return toolsSame && packagesSame && !c.base?.changed && sizesSame;
}

export const isUnknown = unknown;
