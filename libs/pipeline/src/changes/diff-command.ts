import { expectedSignerOf, publicKeySigner } from "../attest/expected-signer.ts";
import { rescanSigning } from "../attest/publish-step.ts";
import { repositoryRef, type PipelineConfig } from "../config/config.ts";
import { RegistryClient, repositoryName } from "@image-tooling/oci-registry";
import type { Logger } from "../log/logger.ts";
import { imageOrThrow, UsageError, type Workspace } from "../context/workspace.ts";
import { changesMarkdown } from "./changes-markdown.ts";
import { whatChanged } from "./what-changed.ts";

const VERSION = /^\d+\.\d+\.\d+$/;

/**
 * `image:diff <image> <versionA> <versionB>`: what changed from A to B, both
 * read from the registry (nothing is built), as Markdown on stdout or, with
 * --json, as the result file's `changes`. Only SBOMs by the release's signer
 * count (`--key`, or whom a rescan trusts).
 */
export async function runDiffCommand(
  args: { positionals: string[]; key?: string; json: boolean },
  ctx: { ws: Workspace; config: PipelineConfig; log: Logger; env: Record<string, string | undefined> },
): Promise<void> {
  const [image, a, b, ...extra] = args.positionals;
  if (!image || !a || !b || extra.length)
    throw new UsageError(
      "diff takes an image and two of its versions: `npm run image:diff -- tooling-k8s 1.2.0 1.3.0` (what changed from the first to the second)",
    );
  imageOrThrow(ctx.ws, image);
  for (const [which, v] of [
    ["first", a],
    ["second", b],
  ] as const)
    if (!VERSION.test(v)) throw new UsageError(`${image}: the ${which} version "${v}" is not an X.Y.Z version (a published immutable tag, e.g. 1.2.0)`);
  const { config } = ctx;
  const access = { registry: config.registry, username: config.username, password: config.password, plainHttp: config.plainHttp };
  const client = new RegistryClient({ ...access, retry: config.retry, onRetry: (line) => ctx.log.info(line) });
  // Whose SBOMs count, as for a rescan (the release's signer: SIGNING_IDENTITY, the GitHub repository's release.yml, or the key pair), unless --key names one.
  const expected = args.key ? publicKeySigner(args.key) : await expectedSignerOf(rescanSigning(config, ctx.env), access, ctx.env);
  const changes = await ctx.log.step(`${repositoryRef(config, image)}: what changed from ${a} to ${b}`, () =>
    whatChanged({ ws: ctx.ws, client, repository: repositoryName(config.namespace, image), expected }, image, b, { against: a }),
  );
  process.stdout.write(args.json ? `${JSON.stringify(changes, null, 2)}\n` : `## What changed in ${image} ${b}\n\n${changesMarkdown(changes).join("\n")}\n`);
}
