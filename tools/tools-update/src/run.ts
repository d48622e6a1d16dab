import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { writeGenerated } from "@image-tooling/image-docs/write-generated";
import { BaseDigestError, RegistryError, registryEndpoint } from "@image-tooling/oci-registry";
import { newestBaseDigest, type RegistryFor } from "./base.ts";
import { changesetPath, renderChangeset, type ImageChanges, type ToolChange } from "./changeset.ts";
import { discover, type Discovered, type GitHubAccess } from "./discover.ts";
import { HELPERS, readHelperInput } from "./helper-lock.ts";
import type { Http } from "@image-tooling/pipeline/http";
import { applyBaseDigest, applyVersions } from "./lock-text.ts";
import { readImages, selectedTools, type ImageInput, type Selection, UsageError } from "./plan.ts";
import { shortDigest, type Row } from "./report.ts";
import { bumpFor, compareVersions } from "./versions.ts";
import { type UpdatableTool, verifyVersion, type VerifiedVersion } from "./verify-tool.ts";

export type Mode = "check" | "update" | "dry-run";

export interface RunOptions extends Selection {
  root: string;
  mode: Mode;
  http: Http;
  github: GitHubAccess;
  registryFor: RegistryFor;
  /** YYYY-MM-DD, recorded with computed checksums. */
  today: string;
  log: (line: string) => void;
  /** Tools looked at in parallel. Default 4. */
  concurrency?: number;
  /**
   * The pipeline's helper-binary lock (libs/pipeline/helper-tools.lock.json):
   * "with" the images when no --image narrows the run, "only" it (--helpers).
   */
  helpers?: "with" | "only";
}

export interface RunResult {
  rows: Row[];
  /** One line per tool or base that failed, naming the image and what to do. */
  errors: string[];
  changes: ImageChanges[];
  /** Workspace-relative files written (empty for --check and --dry-run). */
  written: string[];
  /** Something is behind (--check), or would move (--dry-run), or moved. */
  behind: boolean;
}

/** A promise per key: the AWS CLI pinned by two images is looked up and downloaded once. */
function memo<T>(): (key: string, make: () => Promise<T>) => Promise<T> {
  const cache = new Map<string, Promise<T>>();
  return (key, make) => {
    if (!cache.has(key)) cache.set(key, make());
    return cache.get(key)!;
  };
}

async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: Math.min(limit, queue.length) }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
    }),
  );
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

// The registry client's unreachable hint is about IMAGE_REGISTRY (where we publish); a base lives elsewhere.
const baseMessage = (e: unknown): string =>
  e instanceof RegistryError && e.kind === "unreachable"
    ? `cannot reach ${registryEndpoint(e.registry).baseUrl.replace(/^https?:\/\//, "")} (${/\(([^)]+)\)/.exec(e.message)?.[1] ?? e.message})`
    : e instanceof BaseDigestError
      ? `${e.message}; keeping the pinned digest`
      : messageOf(e);

/**
 * The updater: reads every selected image, finds each tool's newest version
 * on its track and each external base's newest digest; unless checking,
 * verifies every arch of each new version and writes, per image, the lock
 * (only tools that verified), image.yaml, the generated docs and one
 * changeset. A failure costs only that tool or base.
 */
export async function runUpdate(opts: RunOptions): Promise<RunResult> {
  const helpersOnly = opts.helpers === "only";
  const helperRead = helpersOnly || opts.images.length === 0 ? readHelperInput(opts.root) : { input: null, errors: [] };
  const helper = helperRead.input;
  const read = helpersOnly && opts.images.length === 0 ? { inputs: [], errors: [] } : readImages(opts.root, opts, Object.keys(helper?.lock.tools ?? {}));
  const inputs: ImageInput[] = read.inputs;
  const errors = [...helperRead.errors, ...read.errors];
  if (helpersOnly && opts.tools.length && helper && !opts.tools.some((t) => t in helper.lock.tools))
    throw new UsageError(`--tool ${opts.tools.join(", ")}: the helper lock pins no such tool (tools: ${Object.keys(helper.lock.tools).join(", ")})`);
  const rows: Row[] = [];
  const discovered = memo<Discovered>();
  const verified = memo<VerifiedVersion>();
  const perImage = new Map<string, { versions: Record<string, VerifiedVersion>; tools: ToolChange[]; base?: ImageChanges["base"] }>();
  const helperChanges = { versions: {} as Record<string, VerifiedVersion>, tools: [] as ToolChange[] };
  const changesOf = (image: string) => {
    if (!perImage.has(image)) perImage.set(image, { versions: {}, tools: [] });
    return perImage.get(image)!;
  };
  let behind = false;

  // A helper without sha256 has no verified download yet: it is completed at its own version when nothing newer is on track.
  const jobs: { image: string; name: string; tool: UpdatableTool; incomplete: boolean }[] = [
    ...inputs.flatMap((input) => selectedTools(input, opts).map(([name, tool]) => ({ image: input.pkg.name, name, tool, incomplete: false }))),
    ...Object.entries(helper?.lock.tools ?? {})
      .filter(([name]) => opts.tools.length === 0 || opts.tools.includes(name))
      .map(([name, tool]) => ({ image: HELPERS, name, tool, incomplete: !tool.sha256 })),
  ];
  await pool(jobs, opts.concurrency ?? 4, async ({ image, name, tool, incomplete }) => {
    const row: Row = { image, item: name, pinned: incomplete ? `${tool.version} (no download pinned)` : tool.version, onTrack: "?", overall: "?", status: "" };
    rows.push(row);
    try {
      const found = await discovered(JSON.stringify(tool.update.versions) + (tool.update.track ?? ""), () => discover(opts.http, opts.github, tool.update));
      row.onTrack = found.onTrack ?? "none";
      row.overall = found.overall ?? "none";
      if (found.onTrack === null)
        throw new Error(
          `no release${tool.update.track ? ` on track ${tool.update.track}` : ""} matches tag ${"tag" in tool.update.versions ? tool.update.versions.tag : ""}`,
        );
      const newer = compareVersions(found.onTrack, tool.version) > 0;
      if (!newer && !incomplete) {
        row.status =
          found.overall && compareVersions(found.overall, found.onTrack) > 0
            ? `current on track ${tool.update.track} (${found.overall} is on another line)`
            : "current";
        return;
      }
      behind = true;
      if (opts.mode === "check") {
        row.status = newer ? "behind" : "download not pinned yet";
        return;
      }
      const to = newer ? found.onTrack : tool.version;
      const key = JSON.stringify([tool.url, tool.archNames, tool.update.checksums, tool.signature?.url, to]);
      const v = await verified(key, () => verifyVersion(opts.http, tool, to, found.notesUrl(to), opts.today));
      const c = image === HELPERS ? helperChanges : changesOf(image);
      c.versions[name] = v;
      c.tools.push({ tool: name, from: tool.version, to, bump: bumpFor(tool.version, to), notes: found.notesUrl(to) });
      const did = newer ? `update to ${to}` : `pin the download of ${to}`;
      row.status = opts.mode === "dry-run" ? `would ${did} (verified amd64 + arm64)` : newer ? `updated to ${to}` : `pinned the download of ${to}`;
    } catch (e) {
      row.status = "error";
      errors.push(`${image} ${name}: ${messageOf(e)}`);
    }
  });

  for (const input of inputs) {
    for (const [name, tool] of Object.entries(input.lock.tools)) {
      if (tool.source === "debian" && (opts.tools.length === 0 || opts.tools.includes(name))) {
        rows.push({
          image: input.pkg.name,
          item: name,
          pinned: tool.version,
          onTrack: "—",
          overall: "—",
          status: "Debian package: moves with the base's release (edit debian.packages)",
        });
      }
    }
  }

  // Bases follow tags, not tool tracks: left alone when only some tools (or only the helpers) were asked for.
  if (opts.tools.length === 0 && !helpersOnly) {
    for (const input of inputs) {
      const base = input.pkg.metadata.base;
      if (!base) continue;
      const row: Row = { image: input.pkg.name, item: "base", pinned: shortDigest(base.digest), onTrack: "?", overall: "—", status: "" };
      rows.push(row);
      try {
        const digest = await newestBaseDigest(opts.registryFor, base.image, input.pkg.metadata.platforms);
        row.onTrack = shortDigest(digest);
        if (digest === base.digest) {
          row.status = "current";
          continue;
        }
        behind = true;
        row.status = opts.mode === "check" ? `behind (${base.image})` : opts.mode === "dry-run" ? "would move" : "moved";
        if (opts.mode !== "check") changesOf(input.pkg.name).base = { image: base.image, from: base.digest, to: digest };
      } catch (e) {
        row.status = "error";
        errors.push(`${input.pkg.name} base ${base.image}: ${baseMessage(e)}`);
      }
    }
  }

  const order = (i: string) => inputs.findIndex((x) => x.pkg.name === i);
  rows.sort((a, b) => order(a.image) - order(b.image) || Number(a.item === "base") - Number(b.item === "base"));
  const changes: ImageChanges[] = [...perImage.entries()]
    .sort(([a], [b]) => order(a) - order(b))
    .map(([image, c]) => ({ image, tools: c.tools.sort((a, b) => a.tool.localeCompare(b.tool)), ...(c.base ? { base: c.base } : {}) }));
  const written: string[] = [];
  if (opts.mode === "update" && changes.length) written.push(...writeChanges(opts.root, inputs, perImage, changes, errors));
  if (helper && helperChanges.tools.length) {
    // No image releases with a helper: no changeset, no generated docs; the summary still lists it.
    if (opts.mode === "update") {
      writeFileSync(join(opts.root, helper.file), applyVersions(helper.text, helperChanges.versions));
      written.push(helper.file);
    }
    changes.push({ image: HELPERS, tools: helperChanges.tools.sort((a, b) => a.tool.localeCompare(b.tool)) });
  }
  return { rows, errors, changes, written, behind };
}

/** Everything computed first, then written: a lock, image.yaml, the generated docs, a changeset per image. */
function writeChanges(
  root: string,
  inputs: ImageInput[],
  perImage: Map<string, { versions: Record<string, VerifiedVersion>; base?: ImageChanges["base"] }>,
  changes: ImageChanges[],
  errors: string[],
): string[] {
  const files: [string, string][] = [];
  for (const change of changes) {
    const input = inputs.find((i) => i.pkg.name === change.image)!;
    const c = perImage.get(change.image)!;
    if (Object.keys(c.versions).length) files.push([input.lockFile, applyVersions(input.lockText, c.versions)]);
    if (c.base) {
      const text = readFileSync(join(root, input.pkg.files.metadata), "utf8");
      files.push([input.pkg.files.metadata, applyBaseDigest(text, c.base.from, c.base.to)]);
    }
    files.push([changesetPath(change.image), renderChangeset(change)]);
  }
  for (const [path, content] of files) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  const docs = writeGenerated(root);
  for (const p of docs.problems) errors.push(`${p.file} (${p.image}): ${p.message} (image-docs)`);
  return [...files.map(([p]) => p), ...docs.written];
}
