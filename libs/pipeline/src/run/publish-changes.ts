import { expectedSignerOf } from "../attest/expected-signer.ts";
import type { ImageChanges } from "../changes/compare.ts";
import { whatChanged } from "../changes/what-changed.ts";
import type { Applier } from "./apply-publish.ts";

/**
 * "What changed" for the release notes, once the version is pushed and
 * attested: it against the previous release, both read back from the
 * registry, counting only SBOMs this run's signer made. Notes only: a
 * registry that cannot say is noted, never a reason to stop the publish.
 * Branch images have no previous release to compare with.
 */
export async function changesForNotes(applier: Applier): Promise<ImageChanges | undefined> {
  const { run, config, client, pkg, query } = applier;
  if (config.channel !== "release") return undefined;
  try {
    const access = { registry: config.registry, username: config.username, password: config.password, plainHttp: config.plainHttp };
    const expected = await expectedSignerOf(applier.signing, access, run.env);
    return await run.log.step(`${pkg.name}: what changed since the previous release`, () =>
      whatChanged({ ws: run.ws, client, repository: query.repository, expected }, pkg.name, pkg.version, { reference: query.immutable }),
    );
  } catch (e) {
    run.log.info(`  (no "what changed" for the release notes: ${run.log.redact(e instanceof Error ? e.message : String(e))})`);
    return undefined;
  }
}
