import { join } from "node:path";
import type { ImagePackage } from "@image-tooling/image-metadata";
import { INPUTS_DIGEST_LABEL } from "../build/labels.ts";
import type { PipelineConfig } from "../config/config.ts";
import { type RegistryClient, repositoryName } from "@image-tooling/oci-registry";
import type { AttestationRecord } from "./attestation-record.ts";
import type { RunContext } from "../context/run-context.ts";
import { attestImage, daggerVersion, lockDependencies, lockSources } from "./attest-image.ts";
import { AttestError } from "./errors.ts";
import { INSTALL_ROOT } from "@image-tooling/cli-support";
import { verifiedBundlesIn, type VerifiedBundles } from "./verified-bundles.ts";
import { describeWork } from "./plan.ts";
import { factsFromLabels, githubContext } from "./provenance.ts";
import { describeSigning, signingMode, SigningNotConfigured, type SigningMode, verifyingMode } from "./signing.ts";

/**
 * The attest step as publish calls it: after the X.Y.Z (or branch) push is
 * verified, before any floating tag moves, and on a re-run for an existing
 * digest (which then gets only what it lacks).
 */

/** How this run signs; asked before anything is built, so a missing key or a wrong identity pushes nothing. */
export function publishSigning(config: Pick<PipelineConfig, "channel" | "signing">, env: Record<string, string | undefined>): SigningMode {
  return asAttestError(() => signingMode(env, config.channel, config.signing));
}

/** Whose SBOMs and reports a rescan counts: the release's; asked before anything is read. */
export function rescanSigning(config: Pick<PipelineConfig, "signing">, env: Record<string, string | undefined>): SigningMode {
  return asAttestError(() => verifyingMode(env, config.signing));
}

function asAttestError(decide: () => SigningMode): SigningMode {
  try {
    return decide();
  } catch (e) {
    if (e instanceof SigningNotConfigured) throw new AttestError(e.message);
    throw e;
  }
}

/**
 * The plan's line for the attest step (dry run and `plan`): for a digest in
 * the registry, a digest this run pushes (`null`), or an index merge
 * assembles from staged platforms (`"merged"`).
 */
export function attestPlanLine(
  pkg: ImagePackage,
  existingDigest: string | null | "merged",
  config: Pick<PipelineConfig, "channel" | "signing">,
  env: Record<string, string | undefined>,
): string {
  let signing: string;
  try {
    signing = describeSigning(signingMode(env, config.channel, config.signing));
  } catch (e) {
    signing = `NOT CONFIGURED, publish would stop: ${(e as Error).message}`;
  }
  if (existingDigest === null || existingDigest === "merged") return describeWork(existingDigest === null ? "new" : "merged", pkg.metadata.platforms, signing);
  return `check ${existingDigest.slice(0, 19)}…'s signature, SBOMs and provenance; add only what is missing — ${signing}`;
}

/** The bundles this machine already found signed by an expected signer (verified-bundles.ts): one cache for publish, stage and merge. */
export const machineVerifiedBundles = (): VerifiedBundles =>
  verifiedBundlesIn(join(INSTALL_ROOT, "node_modules", ".cache", "image-tooling", "verified-bundles"));

export async function attestPublished(
  run: RunContext,
  config: PipelineConfig,
  client: RegistryClient,
  pkg: ImagePackage,
  digest: string | null,
  platforms: Record<string, string>,
  mode: SigningMode,
  startedOn: Date,
): Promise<AttestationRecord> {
  const repo = repositoryName(config.namespace, pkg.name);
  const repoRef = `${config.registry}/${repo}`;
  let locks: ReturnType<typeof lockSources>;
  try {
    locks = lockSources(run.ws, pkg.name);
  } catch (e) {
    return { status: "failed", error: (e as Error).message };
  }
  return attestImage({
    image: pkg.name,
    client,
    repo,
    repoRef,
    digest,
    platforms,
    access: { registry: config.registry, username: config.username, password: config.password, plainHttp: config.plainHttp },
    mode,
    locks,
    log: run.log,
    env: run.env,
    verified: machineVerifiedBundles(),
    retry: { policy: config.retry, onRetry: (line) => run.log.info(line) },
    // Asked for only when there is an index (digest) to give provenance to.
    provenance: async () => {
      const labels = (await client.imageConfig(repo, digest!, Object.keys(platforms)[0])).config?.Labels ?? {};
      return factsFromLabels(labels, INPUTS_DIGEST_LABEL, {
        image: pkg.name,
        version: pkg.version,
        channel: config.channel,
        ref: `${repoRef}@${digest}`,
        packageRoot: pkg.root,
        parent: Boolean(pkg.metadata.parent),
        locks: lockDependencies(run.ws, locks, labels["org.opencontainers.image.source"], labels["org.opencontainers.image.revision"] ?? run.git.revision),
        pipelineVersion: run.git.revision,
        daggerVersion: daggerVersion(),
        startedOn: startedOn.toISOString(),
        finishedOn: new Date().toISOString(),
        github: githubContext(run.env),
      });
    },
  });
}
