import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ImagePackage } from "@image-tooling/image-metadata";
import { readTextOrNull, type TextReader } from "@image-tooling/image-metadata/read-text";

/**
 * Parsed image packages kept across Nx commands, in Nx's workspace data
 * directory (`.nx/workspace-data`, gone with `nx reset`). On CI every
 * command starts without a daemon and would parse and validate every
 * image.yaml again; a hit skips the YAML parser and the schema altogether.
 *
 * An entry is served only when the digest of everything the parser read (the
 * image.yaml, the package.json, the Dockerfile and smoke spec it names, and
 * whether each exists) is what it was, so a changed file is never served
 * stale; and the whole store belongs to one build of the plugin (`build`), so
 * a changed parser never reads another's results.
 */
export interface PackageStore {
  get(workspaceRoot: string, root: string): ImagePackage | undefined;
  /** `read` is the reader the parse used, so the digest is of the text the parse saw, read once. */
  put(workspaceRoot: string, pkg: ImagePackage, read?: TextReader): void;
  /** Writes the store if anything was added; never throws (a store that cannot be written costs only a parse). */
  save(): void;
}

interface Entry {
  digest: string;
  pkg: ImagePackage;
}

// 2: digests of text, not bytes.
const FILE_VERSION = 2;

/** The digest of the files a package's parse read, as named by that parse (as text: the parse sees nothing else). */
export function packageDigest(workspaceRoot: string, pkg: Pick<ImagePackage, "files">, read: TextReader = readTextOrNull): string {
  const hash = createHash("sha256");
  for (const file of [pkg.files.metadata, pkg.files.packageJson, pkg.files.dockerfile, pkg.files.smoke]) {
    hash.update(`${file}\0`);
    hash.update(read(join(workspaceRoot, file)) ?? "\0absent\0");
    hash.update("\0");
  }
  return hash.digest("hex");
}

/** A store in `dir` for the plugin build `build` (the compiled plugin file's size and mtime). */
export function packageStoreIn(dir: string, build: string): PackageStore {
  const file = join(dir, "image-plugin-packages.json");
  let entries: Record<string, Entry> = {};
  try {
    const data = JSON.parse(readFileSync(file, "utf8")) as { version?: number; build?: string; entries?: Record<string, Entry> };
    if (data.version === FILE_VERSION && data.build === build && data.entries) entries = data.entries;
  } catch {
    // Absent or unreadable: start empty.
  }
  let dirty = false;
  return {
    get(workspaceRoot, root) {
      const entry = entries[root];
      return entry && packageDigest(workspaceRoot, entry.pkg) === entry.digest ? entry.pkg : undefined;
    },
    put(workspaceRoot, pkg, read) {
      entries[pkg.root] = { digest: packageDigest(workspaceRoot, pkg, read), pkg };
      dirty = true;
    },
    save() {
      if (!dirty) return;
      try {
        mkdirSync(dir, { recursive: true });
        const tmp = `${file}.${process.pid}.tmp`;
        writeFileSync(tmp, JSON.stringify({ version: FILE_VERSION, build, entries }));
        renameSync(tmp, file);
        dirty = false;
      } catch {
        // Read-only or full: the next command parses again.
      }
    },
  };
}

/** Identifies one build of a compiled file; undefined where there is none (running from the TypeScript source). */
export function buildOf(file: string | undefined): string | undefined {
  if (!file) return undefined;
  try {
    const s = statSync(file);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return undefined;
  }
}
