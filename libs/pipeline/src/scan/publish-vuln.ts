import type { ImagePackage } from "@image-tooling/image-metadata";
import type { SigningMode } from "../attest/signing.ts";
import { scanImage } from "../attest/syft.ts";
import type { PipelineConfig } from "../config/config.ts";
import { type RegistryClient, repositoryName } from "@image-tooling/oci-registry";
import type { RunContext } from "../context/run-context.ts";
import { attestVulnReports } from "./attest-vuln.ts";
import { prepareDatabase } from "./database.ts";
import { dbIdentity, type PlatformScan } from "./findings.ts";
import { lockedBinaries } from "./gate-step.ts";
import { scanSbom } from "./scan-image.ts";

/**
 * Publish's vulnerability attestations of a pushed digest: each platform's
 * report from the scan made before the push (same layers, same database), or,
 * for a digest pushed by an earlier run, from a fresh SBOM of the pushed
 * manifest. Throws on failure; publish then moves no floating tag.
 */
export async function attestPublishedVulns(
  run: RunContext,
  config: PipelineConfig,
  client: RegistryClient,
  pkg: ImagePackage,
  platforms: Record<string, string>,
  mode: SigningMode,
  prePush: PlatformScan[] = [],
): Promise<Record<string, string>> {
  const repo = repositoryName(config.namespace, pkg.name);
  const repoRef = `${config.registry}/${repo}`;
  const db = await prepareDatabase(run.vulns, run.log, run.env, { plainHttp: config.plainHttp });
  const binaries = lockedBinaries(run.ws, pkg.name);
  const retry = { policy: config.retry, onRetry: (line: string) => run.log.info(line) };
  return attestVulnReports({
    image: pkg.name,
    client,
    repo,
    repoRef,
    platforms,
    access: { registry: config.registry, username: config.username, password: config.password, plainHttp: config.plainHttp },
    mode,
    db,
    log: run.log,
    env: run.env,
    retry,
    scanOf: async (platform, env) => {
      const made = prePush.find((s) => s.platform === platform && dbIdentity(s.db) === dbIdentity(db.info));
      if (made) return made;
      const sbom = await scanImage(`${repoRef}@${platforms[platform]}`, env, undefined, retry);
      return scanSbom(sbom, db, binaries, platform, run.env);
    },
  });
}
