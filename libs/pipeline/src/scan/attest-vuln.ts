import { Cosign } from "../attest/cosign.ts";
import { AttestError } from "../attest/errors.ts";
import { describeExpected } from "../attest/signer.ts";
import { PREDICATE } from "../attest/plan.ts";
import type { SigningMode } from "../attest/signing.ts";
import { withToolEnvironment, type RegistryAccess } from "../attest/tool-env.ts";
import type { ToolRetry } from "../attest/tool-retry.ts";
import type { RegistryClient } from "@image-tooling/oci-registry";
import type { Logger } from "../log/logger.ts";
import type { PreparedDb } from "./database.ts";
import { dbIdentity, type PlatformScan } from "./findings.ts";
import { readVulnReports } from "./attested-reports.ts";
import { vulnPredicate } from "./predicate.ts";

/**
 * Each platform manifest's scan report as a signed cosign `vuln` attestation,
 * beside its SBOM. A platform that already carries a report made with this
 * database build gets nothing new: a re-run adds nothing; a newer database
 * adds a newer report next to the old one (the history stays).
 */
export interface VulnAttestTarget {
  image: string;
  client: RegistryClient;
  repo: string;
  repoRef: string;
  /** Platform → manifest digest. */
  platforms: Record<string, string>;
  access: RegistryAccess;
  mode: SigningMode;
  db: PreparedDb;
  /** The scan of a platform with `db`: the one made before the push, or a scan of the pushed manifest's SBOM. */
  scanOf: (platform: string, env: NodeJS.ProcessEnv) => Promise<PlatformScan>;
  log: Logger;
  /** The run's environment (RunContext.env), which cosign inherits. */
  env: NodeJS.ProcessEnv;
  /** How cosign's network faults are retried; absent: one attempt. */
  retry?: ToolRetry;
}

export async function attestVulnReports(t: VulnAttestTarget): Promise<Record<string, string>> {
  const identity = dbIdentity(t.db.info);
  return withToolEnvironment(
    t.access,
    async (env) => {
      const dir = env.DOCKER_CONFIG!;
      // Opened first: a report counts only when the expected signer made it (in key mode, the key's public half).
      const cosign = await Cosign.open(t.mode, env, dir, {
        plainHttp: t.access.plainHttp,
        onBuild: (w) => t.log.info(`  ${w}`),
        ...(t.retry && { retry: t.retry }),
      });
      const expected = cosign.expectedSigner();
      const read = () => readVulnReports(t.client, t.repo, Object.values(t.platforms), expected);
      const before = await read();
      const missing = Object.entries(t.platforms).filter(([, d]) => !before[d]?.some((r) => r.db === identity));
      const attached = (reports: typeof before) =>
        Object.fromEntries(Object.entries(t.platforms).map(([p, d]) => [p, reports[d]!.find((r) => r.db === identity)!.digest]));
      if (missing.length === 0) {
        t.log.info(`${t.image}: vulnerability reports of database ${identity} present on ${Object.keys(t.platforms).join(" + ")}: nothing to add`);
        return attached(before);
      }
      for (const [platform, digest] of missing) {
        await t.log.step(`${t.image}: vulnerability report ${platform} (cosign vuln, database ${t.db.info.built})`, async () => {
          const started = new Date();
          const scan = await t.scanOf(platform, env);
          // A retry after a cut first asks whether the cut attempt's report landed: never two of the same database on one platform.
          const landed = async () => Boolean((await read())[digest]?.some((r) => r.db === identity));
          await cosign.attest(`${t.repoRef}@${digest}`, "vuln", vulnPredicate(scan, started, new Date()), dir, landed);
        });
      }
      await t.log.step(`${t.image}: verify vulnerability reports with cosign`, () =>
        Promise.all(
          missing.map(async ([platform, digest]) => {
            const statements = (await cosign.verifyAttestation(`${t.repoRef}@${digest}`, "vuln")) as {
              predicateType?: string;
              predicate?: { scanner?: { db?: { version?: string } } };
            }[];
            if (!statements.some((s) => s.predicateType === PREDICATE.vuln && s.predicate?.scanner?.db?.version === identity)) {
              throw new AttestError(`no verified vulnerability report of database ${identity} on ${platform} (${digest})`);
            }
          }),
        ),
      );
      const after = await read();
      if (Object.values(t.platforms).some((d) => !after[d]?.some((r) => r.db === identity))) {
        throw new AttestError(`after attesting, a vulnerability report of database ${identity} by ${describeExpected(expected)} is still missing`);
      }
      return attached(after);
    },
    t.env,
  );
}
