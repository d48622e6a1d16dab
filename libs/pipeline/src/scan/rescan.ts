import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Cosign } from "../attest/cosign.ts";
import { describeExpected } from "../attest/signer.ts";
import type { SigningMode } from "../attest/signing.ts";
import { scanImage } from "../attest/syft.ts";
import { withToolEnvironment } from "../attest/tool-env.ts";
import type { PipelineConfig } from "../config/config.ts";
import { type RegistryClient, repositoryName } from "@image-tooling/oci-registry";
import type { RunContext } from "../context/run-context.ts";
import { readAttachedSbom, readVulnReports } from "./attested-reports.ts";
import { prepareDatabase } from "./database.ts";
import { lockedBinaries } from "./gate-step.ts";
import { rescanLines, rescanMarkdown, rescanResult, type PlatformRescan, type RescanResult } from "./rescan-report.ts";
import { scanSbom } from "./scan-image.ts";

/**
 * `rescan [images…]`: the published X.Y.Z of each image's current version,
 * scanned with today's database and compared with the report attached to
 * each platform. Reads the registry only: nothing is built, pushed or
 * attested. Writes dist/rescan/<image>.json (what the weekly workflow opens
 * issues from) and the step summary.
 */
export async function rescanImage(
  run: RunContext,
  config: PipelineConfig,
  client: RegistryClient,
  image: string,
  /** Whose SBOMs and reports count (signing.ts verifyingMode): the release's, never whoever attached one. */
  releaseSigner: SigningMode,
): Promise<RescanResult | null> {
  const pkg = run.ws.graph.images.get(image)!;
  const repo = repositoryName(config.namespace, image);
  const repoRef = `${config.registry}/${repo}`;
  const digest = await client.manifestDigest(repo, pkg.version);
  if (!digest) {
    run.log.info(`${image} ${pkg.version}: not published (no tag ${pkg.version} in ${repoRef}); nothing to rescan`);
    return null;
  }
  const db = await prepareDatabase(run.vulns, run.log, run.env, { plainHttp: config.plainHttp });
  const manifests = await client.platformManifests(repo, digest);
  const binaries = lockedBinaries(run.ws, image);
  const access = { registry: config.registry, username: config.username, password: config.password, plainHttp: config.plainHttp };
  const platforms: PlatformRescan[] = await withToolEnvironment(
    access,
    async (env) => {
      const expected = (await Cosign.open(releaseSigner, env, env.DOCKER_CONFIG!, { plainHttp: config.plainHttp })).expectedSigner();
      const attached = await readVulnReports(
        client,
        repo,
        manifests.map((m) => m.digest),
        expected,
      );
      return Promise.all(
        manifests.map((m) =>
          run.log.step(`${image}: rescan ${m.platform} (${m.digest.slice(0, 19)}…)`, async () => {
            const last = attached[m.digest]?.at(-1);
            // The SBOM publish attached: no second pull of the image. A digest without one by the release's signer is read by syft.
            const attachedSbom = await readAttachedSbom(client, repo, m.digest, expected);
            run.log.info(
              `  ${m.platform}: ${attachedSbom ? `scanning its attached SBOM, signed by ${describeExpected(expected)}` : `no SBOM signed by ${describeExpected(expected)}: syft reads the image`}`,
            );
            const sbom =
              attachedSbom ?? (await scanImage(`${repoRef}@${m.digest}`, env, undefined, { policy: config.retry, onRetry: (line) => run.log.info(line) }));
            const scan = await scanSbom(sbom, db, binaries, m.platform, run.env);
            return { platform: m.platform, digest: m.digest, attached: last?.result?.findings, attachedDb: last?.db, now: scan.findings };
          }),
        ),
      );
    },
    run.env,
  );
  const result = rescanResult(image, pkg.version, digest, db.info, platforms);
  for (const line of rescanLines(result)) run.log.info(line);
  const dir = join(run.ws.root, "dist", "rescan");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${image}.json`), `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(join(dir, `${image}.md`), `${rescanMarkdown(result).join("\n")}\n`);
  return result;
}

export function writeRescanSummary(results: RescanResult[], env: Record<string, string | undefined>): void {
  if (!env.GITHUB_STEP_SUMMARY || results.length === 0) return;
  appendFileSync(env.GITHUB_STEP_SUMMARY, `## Vulnerability rescan\n\n${results.flatMap(rescanMarkdown).join("\n")}\n`);
}
