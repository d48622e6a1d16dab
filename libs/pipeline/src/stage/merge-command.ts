import { attestPlanLine } from "../attest/publish-step.ts";
import type { PipelineConfig } from "../config/config.ts";
import { tagsToWrite } from "../plan/plan-publish.ts";
import { planLines } from "../plan/plan-text.ts";
import type { ImageResult } from "../report/result.ts";
import type { RunRecord } from "../report/run-record.ts";
import { applyPlan, publishDigest, type Applier } from "../run/apply-publish.ts";
import { PublishError } from "../run/publish-error.ts";
import { beginPublish, plannedResult } from "../run/publish.ts";
import type { RunContext } from "../context/run-context.ts";
import { prepareDatabase } from "../scan/database.ts";
import { readStaged } from "./read-staged.ts";
import { readStagedSboms, signerToCheck } from "./staged-sbom.ts";
import { assembleIndex, planMerge, stagingTag, type SbomVerdict, type StagedPlatform } from "./staging.ts";

/**
 * `merge <image>`: X.Y.Z assembled from the platforms staged by the
 * per-platform publishes of this commit (stage-command.ts), referred to by
 * their tested digests — nothing is built or re-encoded. Then as publish:
 * sign the index and attach its provenance (each platform's SBOM and report
 * came with its stage), and move the floating tags. An X.Y.Z already in the
 * registry (a re-run, or a single-engine publish) is completed or skipped
 * exactly as publish does; a platform missing, without its SBOM signed by
 * the release signer (the proof a stage of the release made it: labels can
 * be copied by anyone who can push a tag), or staged from another commit or
 * other files means no index and no tag moves.
 */
export async function runMergeCommand(
  run: RunContext,
  config: PipelineConfig,
  image: string,
  opts: { dryRun: boolean; verbose?: boolean },
  record: RunRecord,
): Promise<ImageResult[]> {
  const { client, pkg, startedOn, signing, plan, query, inputs } = await beginPublish(run, config, image, opts.dryRun, record);

  let index: { mediaType: string; bytes: Buffer } | undefined;
  if (plan.action.kind === "build") {
    const staged: Record<string, StagedPlatform | null> = {};
    for (const platform of pkg.metadata.platforms) {
      staged[platform] = await readStaged(client, query.repository, stagingTag(plan.immutable.tag, platform), platform);
    }
    const present = Object.values(staged).filter((s): s is StagedPlatform => s !== null);
    // Whose SBOMs count: the signer this merge signs as (a dry run checks only when one is configured here).
    const signer = signerToCheck(signing, config, run.env);
    let sbom: Record<string, SbomVerdict> | null = null;
    let signedBy = "";
    if (present.length && signer) {
      const read = await run.log.step(`${image}: the staged platforms' SBOMs and who signed them`, () =>
        readStagedSboms(client, config, query.repository, present, signer, { withCosign: !opts.dryRun, env: run.env }),
      );
      sbom = read.verdicts;
      signedBy = read.signer;
    } else if (present.length) {
      run.log.info(`  (dry run: no signer configured here, so who signed the staged platforms' SBOMs is not checked; merge checks it)`);
    }
    const decision = planMerge({
      image,
      repository: plan.repository,
      immutable: plan.immutable.tag,
      platforms: pkg.metadata.platforms,
      staged,
      commit: run.git.revision,
      inputsDigest: plan.inputsDigest,
      sbom,
    });
    if (decision.kind === "refuse") throw new PublishError(decision.error);
    index = assembleIndex(decision.manifests);
    for (const line of planLines(plan, pkg.metadata.platforms, attestPlanLine(pkg, "merged", config, run.env))) run.log.info(line);
    for (const m of decision.manifests)
      run.log.info(`  merge  ${m.platform.padEnd(28)} ${m.digest} (staged, tested on its own engine${signedBy && `; SBOM signed by ${signedBy}`})`);
  } else if (opts.dryRun) {
    for (const line of planLines(plan, pkg.metadata.platforms, attestPlanLine(pkg, plan.action.digest, config, run.env))) run.log.info(line);
  }
  if (opts.dryRun) {
    run.log.info("\n(dry run: nothing merged, nothing pushed)");
    return [plannedResult(record, config, pkg, plan, run.env)];
  }
  await prepareDatabase(run.vulns, run.log, run.env, { plainHttp: config.plainHttp });
  const applier: Applier = { run, config, client, record, pkg, plan, query, inputs, signing: signing!, startedOn, verbose: opts.verbose };
  if (!index) return applyPlan(applier);
  const merged = index;
  record.plan(tagsToWrite([plan.immutable, ...plan.floating]));
  return publishDigest(applier, (ref) =>
    run.log.step(`${image}: push the index of ${pkg.metadata.platforms.join(" + ")} as ${ref}`, async () => {
      const digest = await client.putManifest(query.repository, query.immutable, merged);
      return `${ref}@${digest}`;
    }),
  );
}
