#!/usr/bin/env tsx
/**
 * Entry point of the image targets. The image plugin's Nx executor imports
 * it, compiled (tools/compile, dist/compiled/pipeline-cli.mjs), into Nx's
 * task worker and calls `runArgv` (the path, hop by hop:
 * tools/nx-image-plugin/README.md). By hand it is the same command line:
 * `node dist/compiled/pipeline-cli.mjs <command> <images...>`, or this
 * source under `tsx`.
 */
import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { ImageMetadataError } from "@image-tooling/image-metadata";
import { runMain } from "@image-tooling/cli-support";
import { type ImageReport, runCli } from "./run-cli.ts";

export const USAGE = `Usage: node dist/compiled/pipeline-cli.mjs <command> [images...] [options]
       (npm ci / npm run compile make it; from source: npx tsx libs/pipeline/src/cli/main.ts <command> …)

Commands
  build <images...>    build every platform of each image (its parents too, from this commit)
  smoke <images...>    build, then run each image's smoke spec on every platform
  publish <images...>  build, smoke, push X.Y.Z, sign it and attach its SBOMs and provenance,
                       then move floating tags (X.Y, X, latest) forward; with --platform (IMAGE_PLATFORM)
                       it stages that one platform instead: built and smoke-tested natively on this
                       engine, pushed by digest as staging-<X.Y.Z>-<os>-<arch> with its SBOM and
                       vulnerability report; no release tag moves
  merge <images...>    assemble X.Y.Z from the platforms staged from this commit (their tested digests,
                       nothing rebuilt), sign it, attach its provenance, move the floating tags; a platform
                       missing, mismatched, or whose digest lacks its SBOM signed by the release signer
                       (a staging tag not pushed by a publish job of the release) pushes nothing; an X.Y.Z
                       already there is completed or skipped
  load <images...>     build each image (its parents too, from this commit) for one platform and load it
                       into the local Docker daemon as <namespace>/<image>:dev and :X.Y.Z-dev, then print
                       a docker run line to try it (the image travels as an OCI tarball through this machine,
                       never through a registry, so any engine works: its own network, a remote one)
  diff <image> <versionA> <versionB>
                       what changed from versionA to versionB of a published image: tools (with links to
                       their release notes), Debian packages per platform, base or parent digest, compressed
                       size per platform; reads the registry only (npm run image:diff -- <image> <A> <B>);
                       only SBOMs by the release's signer count (--key, or as for rescan)
  plan [images...]     print what publish would do (reads the registry; builds and pushes nothing)
  rescan [images...]   scan each image's published X.Y.Z with today's vulnerability database and say what
                       is new since its attached report and what a rebuild or tool update would fix
                       (reads the registry; builds, pushes and attests nothing; dist/rescan/<image>.json)

  Several images run in one process, parents first, whatever order they are
  named in (Nx's targets batch the images of one \`nx run-many\` / \`nx affected\`
  this way). An image that fails stops its descendants, not its siblings; the
  exit code is 1 if any image failed.

Options
  --dry-run          publish, merge: print the plan and push nothing
  --platform <p>     linux/amd64 or linux/arm64; env IMAGE_PLATFORM. build, smoke: only that platform;
                     publish: stage it for merge (one runner per platform, each native);
                     load: the platform to load (default: the Docker daemon's)
  --channel <name>   release (default) or branch; env IMAGE_CHANNEL
  --branch <name>    branch-channel name (default: GITHUB_HEAD_REF, GITHUB_REF_NAME, then git)
  --affected         plan: the images whose inputs changed (nx affected -t publish), in publish order
  --base <ref>       plan --affected: compare against this ref (default: main)
  --json             plan: print the plan as JSON on stdout; diff: the comparison as JSON
  --key <file>       diff: count SBOMs signed by this cosign public key (default: whom rescan trusts:
                     COSIGN_PRIVATE_KEY's public half, else keyless SIGNING_IDENTITY / signingIdentity, or
                     release.yml on main of GITHUB_REPOSITORY)
  --verbose          stream the Dagger engine's own progress
  -h, --help         show this help

Configuration: image-tooling.yaml at the workspace root; env IMAGE_REGISTRY,
IMAGE_NAMESPACE, REGISTRY_USERNAME, REGISTRY_PASSWORD (DOCKERHUB_TOKEN for
Docker Hub) override it; IMAGE_REGISTRY_PLAIN_HTTP=true for a registry without
TLS that is not on loopback; IMAGE_REGISTRY_RETRIES and
IMAGE_REGISTRY_RETRY_MAX_SECONDS bound retries. publish signs with COSIGN_PRIVATE_KEY + COSIGN_PASSWORD,
or keyless on GitHub Actions with id-token: write. rescan counts only SBOMs and reports the release
signed: that key pair, or the release identity (SIGNING_IDENTITY; on GitHub, this repository's
release.yml@refs/heads/main). Vulnerability database:
IMAGE_VULN_DB (upstream, oci://<registry>/<repo>:<tag>, or a file), IMAGE_VULN_DB_MAX_AGE (e.g. 5d). Results:
dist/images/<image>/result.json.
`;

const parse = (argv: string[]) =>
  parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      "dry-run": { type: "boolean", default: false },
      channel: { type: "string" },
      branch: { type: "string" },
      affected: { type: "boolean", default: false },
      base: { type: "string" },
      json: { type: "boolean", default: false },
      platform: { type: "string" },
      key: { type: "string" },
      verbose: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });

export type { ImageReport };

/**
 * Runs one command line and returns its exit code; never throws, never exits
 * the process. The Nx executor calls it in its own worker process (one Node
 * start for the whole run) with `onImage`; run as a program, this file calls
 * it below.
 */
export async function runArgv(argv: string[], env: Record<string, string | undefined>, onImage?: (report: ImageReport) => void): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const [command, ...images] = parsed.positionals;
  if (parsed.values.help || !command) {
    (parsed.values.help ? process.stdout : process.stderr).write(USAGE);
    return parsed.values.help ? 0 : 2;
  }
  try {
    return await runCli(
      {
        command,
        images,
        dryRun: parsed.values["dry-run"]!,
        channel: parsed.values.channel,
        branch: parsed.values.branch,
        affected: parsed.values.affected!,
        base: parsed.values.base,
        json: parsed.values.json!,
        verbose: parsed.values.verbose!,
        platform: parsed.values.platform,
        key: parsed.values.key,
      },
      env,
      onImage,
    );
  } catch (e) {
    // Anything that reaches here is a bug or an unexpected engine failure: still one clear line first.
    const message = e instanceof ImageMetadataError ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e);
    process.stderr.write(`image-pipeline: ${message}\n`);
    return 1;
  }
}

/** True when this module is the program Node was started with (not imported by the executor). */
const isProgram = (): boolean => {
  const entry = process.argv[1];
  return entry !== undefined && import.meta.url === pathToFileURL(realpathSync(entry)).href;
};

// The edge: argv and the environment are read here, once (the executor is the other caller).
if (isProgram()) runMain("image-pipeline", () => runArgv(process.argv.slice(2), process.env));
