import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { anonymousRegistry, type RegistryFor } from "./base.ts";
import { githubAccess } from "./discover.ts";
import { Http, type HttpOptions } from "@image-tooling/pipeline/http";
import { MirrorConfigError, parseMirror } from "@image-tooling/pipeline/http";
import { UsageError } from "./plan.ts";
import { renderSummary, renderTable } from "./report.ts";
import { runUpdate, type Mode } from "./run.ts";

export const HELP = `Usage: npm run tools:update -- [--image NAME]... [--helpers] [--tool NAME]... [--check | --dry-run] [--summary FILE]

Moves each image's pinned tools (packages/*/tools.lock.json) to the newest
version on their track, and each external base (image.yaml base.digest) to
the newest multi-platform digest of its tag. Each tool's "update" entry in
the lock says where versions come from (GitHub releases or tags, or a URL
such as dl.k8s.io's stable-1.37.txt), which track to stay on, and where the
checksums come from (an upstream checksum file, or computed from the
downloads). A new version is written only after every architecture in the
lock was downloaded and its sha256 matched upstream's checksums; then the
lock, the files npm run image-docs generates, and one changeset per image
(.changeset/tools-update-<image>.md: patch for a tool's patch release or a
base digest, minor for a minor or major release) are written. A tool or
base that fails is reported and left as it was; the others still update.

The pipeline's own helper binaries (cosign, syft, grype in
libs/pipeline/helper-tools.lock.json) are kept current the same way, with
no changeset (no image releases with them); a helper whose download is not
pinned yet gets the sha256 of its current version from upstream's checksum
file. They are looked at when no --image is given, or alone with --helpers.

Options:
  --image NAME    only this image (repeatable)
  --helpers       only the pipeline's helper binaries (libs/pipeline/helper-tools.lock.json)
  --tool NAME     only this tool, in every selected image (repeatable; bases are skipped)
  --check         write nothing, download nothing: print pinned / newest on track /
                  newest overall and exit 1 when anything is behind (like npm outdated)
  --dry-run       look up and verify everything, write nothing
  --summary FILE  also write a Markdown summary (what moved, release notes links)
  --help          this text

Environment:
  GITHUB_TOKEN    GitHub API token; without one GitHub allows 60 requests an hour
  GITHUB_API_URL  GitHub API base (default https://api.github.com)
  TOOLS_MIRROR    download through an artifact proxy: "UPSTREAM_PREFIX=MIRROR_PREFIX"
                  entries separated by spaces; the sha256 checks do not change

Exit status: 0 nothing behind / everything updated; 1 something is behind
(--check) or a tool or base failed; 2 usage error. Network failures are not
retried beyond one retry of a server error or dropped connection.
`;

export interface CliDeps {
  root: string;
  env: Record<string, string | undefined>;
  /** Test seams for standing a local server in for the upstream hosts. */
  http?: Pick<HttpOptions, "ca" | "connectTo" | "timeoutMs">;
  registryFor?: RegistryFor;
  today?: string;
  out: (text: string) => void;
  err: (text: string) => void;
}

export async function cli(argv: string[], deps: CliDeps): Promise<number> {
  let values: { image?: string[]; helpers?: boolean; tool?: string[]; check?: boolean; "dry-run"?: boolean; summary?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        image: { type: "string", multiple: true },
        helpers: { type: "boolean" },
        tool: { type: "string", multiple: true },
        check: { type: "boolean" },
        "dry-run": { type: "boolean" },
        summary: { type: "string" },
        help: { type: "boolean" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    deps.err(`tools:update: ${(e as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    deps.out(HELP);
    return 0;
  }
  if (values.check && values["dry-run"]) {
    deps.err("tools:update: --check and --dry-run exclude each other\n");
    return 2;
  }
  const mode: Mode = values.check ? "check" : values["dry-run"] ? "dry-run" : "update";
  try {
    const mirror = parseMirror(deps.env.TOOLS_MIRROR);
    const http = new Http({ ...deps.http, mirror, log: (l) => deps.err(`${l}\n`) });
    const result = await runUpdate({
      root: deps.root,
      mode,
      images: values.image ?? [],
      tools: values.tool ?? [],
      helpers: values.helpers ? "only" : "with",
      http,
      github: githubAccess(deps.env),
      registryFor: deps.registryFor ?? anonymousRegistry,
      today: deps.today ?? new Date().toISOString().slice(0, 10),
      log: (l) => deps.err(`${l}\n`),
    });
    if (result.rows.length) deps.out(renderTable(result.rows));
    for (const e of result.errors) deps.err(`error: ${e}\n`);
    for (const f of result.written) deps.out(`wrote ${f}\n`);
    if (values.summary) writeFileSync(resolve(deps.root, values.summary), renderSummary(result.changes, result.errors));
    const moved = result.changes.reduce((n, c) => n + c.tools.length + (c.base ? 1 : 0), 0);
    const verb = mode === "check" ? "" : mode === "dry-run" ? `${moved} would move` : `${moved} moved`;
    const failed = result.errors.length ? `${result.errors.length} failed (see the errors above)` : "";
    const state = mode === "check" ? (result.behind ? "something is behind" : failed ? "" : "everything is current") : verb;
    deps.out(`tools:update: ${[state, failed].filter(Boolean).join(", ")}\n`);
    return result.errors.length || (mode === "check" && result.behind) ? 1 : 0;
  } catch (e) {
    if (e instanceof UsageError || e instanceof MirrorConfigError) {
      deps.err(`tools:update: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
