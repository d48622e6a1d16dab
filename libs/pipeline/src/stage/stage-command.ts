import type { ImagePackage, Platform } from "@image-tooling/image-metadata";
import { attestPublished } from "../attest/publish-step.ts";
import type { SigningMode } from "../attest/signing.ts";
import { repositoryRef, type PipelineConfig } from "../config/config.ts";
import { daggerSdk } from "../dagger/sdk.ts";
import type { PublishPlan, SnapshotQuery } from "../plan/plan-publish.ts";
import type { RegistryClient } from "@image-tooling/oci-registry";
import type { ImageResult } from "../report/result.ts";
import type { RunRecord } from "../report/run-record.ts";
import { enginePush, withPushAuth } from "../run/apply-publish.ts";
import type { ResolvedBase } from "../run/build-image-chain.ts";
import { buildImage } from "../run/build-image-chain.ts";
import { smokeBuilt, withBuildSession } from "../run/build-session.ts";
import type { RunContext } from "../context/run-context.ts";
import { PublishError } from "../run/publish-error.ts";
import { beginPublish } from "../run/publish.ts";
import { notBuiltFor } from "../context/workspace.ts";
import { prepareDatabase } from "../scan/database.ts";
import { scanAndGate } from "../scan/gate-step.ts";
import { attestPublishedVulns } from "../scan/publish-vuln.ts";
import { readStaged } from "./read-staged.ts";
import { readStagedSboms, signerToCheck } from "./staged-sbom.ts";
import { stagingTag } from "./staging.ts";

/**
 * `publish <image> --platform <p>` (IMAGE_PLATFORM): one platform, natively,
 * on this engine. Builds it (on the parent's image of the same platform from
 * this commit), smoke-tests and scans it, pushes the tested manifest by
 * digest under its staging tag, and attaches its SBOM and vulnerability
 * report; no release tag moves. `merge` then assembles X.Y.Z from the staged
 * platforms (merge-command.ts). A version already published has nothing to
 * stage: the merge completes whatever it lacks.
 */
export async function runStageCommand(
  run: RunContext,
  config: PipelineConfig,
  image: string,
  platform: Platform,
  opts: { dryRun: boolean; verbose?: boolean },
  record: RunRecord,
): Promise<ImageResult[]> {
  const absent = notBuiltFor(run.ws.graph.images.get(image)!, platform);
  if (absent) {
    const notice = `${absent}: nothing to stage`;
    run.log.info(notice);
    return [record.finish("skipped", { notice })];
  }
  const { client, pkg, startedOn, signing, plan, query, inputs } = await beginPublish(run, config, image, opts.dryRun, record);
  const tag = stagingTag(plan.immutable.tag, platform);
  const ref = `${plan.repository}:${tag}`;
  if (plan.action.kind !== "build") {
    const notice = `${plan.notice}; nothing to stage for ${platform} (merge completes its floating tags and attestations)`;
    run.log.info(notice);
    return [record.finish("skipped", { digest: plan.action.digest, notice })];
  }
  const base = await stageBase(client, run, config, pkg, plan, query, inputs.parent, platform, { signing, dryRun: opts.dryRun });
  run.log.info(`\n${image} ${pkg.version} → ${ref}  [${platform}, for the merge into ${plan.immutable.tag}]\n  base: ${base.name} (${base.digest})`);
  if (opts.dryRun) {
    run.log.info("\n(dry run: nothing built, nothing pushed)");
    return [
      record.finish("planned", { inputsDigest: plan.inputsDigest, base: base.ref, tags: { [tag]: { action: "create", reason: "staged for the merge" } } }),
    ];
  }
  await prepareDatabase(run.vulns, run.log, run.env, { plainHttp: config.plainHttp });
  return withBuildSession(
    run,
    async (ctx) => {
      const built = await buildImage(ctx, pkg, async () => base, inputs);
      record.note({ base: built.baseRef });
      record.note({ checks: await smokeBuilt(run, built) });
      // The gate, before anything is pushed: a platform that fails it is never staged.
      const { report, scans } = await scanAndGate(run, built);
      record.note({ vulnerabilities: report });
      const before = await client.manifestDigest(query.repository, tag);
      const containers = withPushAuth(config, [...built.containers.values()], await daggerSdk());
      await run.log.step(`${image}: push ${platform} to ${ref}`, () => enginePush(run, config, image, ref, containers));
      // What the tag holds now must be this build: another commit's stage of the same version may have replaced it since.
      const staged = await readStaged(client, query.repository, tag, platform);
      if (!staged || staged.revision !== run.git.revision || staged.inputsDigest !== plan.inputsDigest) {
        throw new PublishError(
          `${ref} does not hold this build after the push (it holds ${staged ? `a build of commit ${staged.revision?.slice(0, 12) ?? "unknown"}` : "nothing"}): another publish of ${platform} ran at the same time; re-run this one`,
        );
      }
      const platforms = { [platform]: staged.digest };
      record.note({ digest: staged.digest, platforms });
      record.tag(tag, { action: before ? "move" : "create", reason: "staged for the merge", digest: staged.digest });
      // Made here, where the image is: each SBOM and report is attached to the platform digest the merge puts in X.Y.Z unchanged.
      const attestations = await attestPublished(run, config, client, pkg, null, platforms, signing!, startedOn);
      if (attestations.status === "failed")
        throw new PublishError(`${image}: ${ref} is staged but its SBOM could not be attached (${attestations.error}); re-run this publish: it completes it`);
      const vuln = await attestPublishedVulns(run, config, client, pkg, platforms, signing!, scans);
      return [record.finish("staged", { attestations: { ...attestations, vuln } })];
    },
    { verbose: opts.verbose, platforms: [platform] },
  );
}

/**
 * The base of a staged platform: the pinned base, or the parent's image of
 * this platform built from this commit's files — its published X.Y.Z when
 * that exists (an unchanged parent), otherwise what its own stage pushed in
 * this run (Nx runs the parent's publish first, dependsOn ^publish): its
 * staging tag, with this commit's labels and, as merge requires
 * (staging.ts planMerge), its SBOM signed by the signer this run signs as —
 * a child is never built, tested and signed on a parent staging tag pushed
 * by hand.
 */
async function stageBase(
  client: RegistryClient,
  run: RunContext,
  config: PipelineConfig,
  pkg: ImagePackage,
  plan: PublishPlan,
  query: SnapshotQuery,
  parentInputs: string | undefined,
  platform: Platform,
  opts: { signing?: SigningMode; dryRun: boolean },
): Promise<ResolvedBase> {
  const base = plan.base;
  if (base.kind === "pinned" || base.kind === "parent") return base;
  const parent = query.parent!;
  const parentRepoRef = repositoryRef(config, pkg.metadata.parent!);
  const tag = stagingTag(parent.tag, platform);
  const staged = await readStaged(client, parent.repository, tag, platform);
  if (staged && staged.inputsDigest === parentInputs && staged.revision === run.git.revision) {
    const signer = signerToCheck(opts.signing, config, run.env);
    if (signer) {
      const { verdicts } = await readStagedSboms(client, config, parent.repository, [staged], signer, { withCosign: !opts.dryRun, env: run.env });
      const verdict = verdicts[platform]!;
      if (!verdict.ok) {
        throw new PublishError(
          `${pkg.name}: not staged for ${platform}: its parent's ${parentRepoRef}:${tag} (→ ${staged.digest.slice(0, 19)}…) is not known to be a stage of the release: ${verdict.reason}. Re-run release.yml's publish job for ${platform} on this commit (publish ${pkg.metadata.parent} with IMAGE_PLATFORM=${platform}: it stages and signs the parent again), then this one; never push a staging tag by hand`,
        );
      }
    } else run.log.info(`  (dry run: no signer configured here, so who signed ${parentRepoRef}:${tag}'s SBOM is not checked; publish checks it)`);
    return { ref: `${parentRepoRef}@${staged.digest}`, name: `${parentRepoRef}:${parent.tag}`, digest: staged.digest };
  }
  const found = staged ? `${parentRepoRef}:${tag} holds a build of commit ${staged.revision?.slice(0, 12) ?? "unknown"}` : `${parentRepoRef}:${tag} is absent`;
  throw new PublishError(
    `${pkg.name}: its parent ${pkg.metadata.parent} ${parent.tag} is neither published from these files nor staged for ${platform} from this commit (${base.kind === "parent-blocked" ? `${base.note}; ` : ""}${found}): publish ${pkg.metadata.parent} with IMAGE_PLATFORM=${platform} first (\`npx nx run ${pkg.name}:publish\` does, through dependsOn ^publish)`,
  );
}
