import { verifySbom } from "../attest/attest-image.ts";
import { Cosign } from "../attest/cosign.ts";
import { AttestError } from "../attest/errors.ts";
import { PREDICATE } from "../attest/plan.ts";
import { machineVerifiedBundles, publishSigning } from "../attest/publish-step.ts";
import { readAttestations } from "../attest/referrers.ts";
import { describeExpected } from "../attest/signer.ts";
import type { SigningMode } from "../attest/signing.ts";
import { withToolEnvironment } from "../attest/tool-env.ts";
import type { PipelineConfig } from "../config/config.ts";
import type { RegistryClient } from "@image-tooling/oci-registry";
import type { SbomVerdict, StagedPlatform } from "./staging.ts";

/**
 * Whether each staged platform's digest carries the SBOM attestation its
 * stage attached, signed by the signer `mode` signs as (the release's): the
 * bundles among the digest's referrers, each checked for who signed it by
 * the same code that decides what publish and rescan count (referrers.ts,
 * signer.ts). "Some SBOM is attached" is not enough: one by anyone else is
 * named with who signed it instead.
 *
 * Keyless, `withCosign` also runs `cosign verify-attestation` with the
 * release identity, as attest-image.ts does after it attaches one: that the
 * certificate is Fulcio's and logged in Rekor takes Sigstore's trust root,
 * which the pure check cannot (a self-made certificate can name any
 * identity). A key pair's check is whole without it. The verdicts go to
 * staging.ts planMerge, which decides, and to a child's stage, which builds
 * only on a parent staging tag with a good one (stage-command.ts).
 */
export async function readStagedSboms(
  client: RegistryClient,
  config: PipelineConfig,
  /** The repository path, without the registry. */
  repository: string,
  staged: readonly StagedPlatform[],
  mode: SigningMode,
  /** env: the run's environment (RunContext.env), which cosign inherits. */
  opts: { withCosign: boolean; env: NodeJS.ProcessEnv },
): Promise<{ signer: string; verdicts: Record<string, SbomVerdict> }> {
  const access = { registry: config.registry, username: config.username, password: config.password, plainHttp: config.plainHttp };
  const repoRef = `${config.registry}/${repository}`;
  return withToolEnvironment(
    access,
    async (env) => {
      const cosign = await Cosign.open(mode, env, env.DOCKER_CONFIG!, { plainHttp: config.plainHttp });
      const expected = cosign.expectedSigner();
      const signer = describeExpected(expected);
      const digests = staged.map((s) => s.digest);
      const state = await readAttestations(client, repository, null, digests, expected, machineVerifiedBundles());
      const verdicts: Record<string, SbomVerdict> = {};
      for (const s of staged) {
        if (state.sbom[s.digest]) {
          verdicts[s.platform] = opts.withCosign && mode.kind === "keyless" ? await cosignVerdict(cosign, repoRef, s.digest, signer) : { ok: true };
          continue;
        }
        const foreign = state.foreign.filter((f) => f.subject === s.digest && f.type === PREDICATE.sbom);
        verdicts[s.platform] = {
          ok: false,
          reason: foreign.length
            ? `its SBOM attestation is not signed by ${signer}: ${[...new Set(foreign.map((f) => f.reason))].join("; ")}`
            : `no SBOM attestation is attached to it (expected one signed by ${signer})`,
        };
      }
      return { signer, verdicts };
    },
    opts.env,
  );
}

async function cosignVerdict(cosign: Cosign, repoRef: string, digest: string, signer: string): Promise<SbomVerdict> {
  try {
    await verifySbom(cosign, repoRef, digest);
    return { ok: true };
  } catch (e) {
    return { ok: false, reason: `cosign verify-attestation does not accept its SBOM as signed by ${signer}: ${(e as Error).message}` };
  }
}

/**
 * Whose SBOMs a stage or merge counts: the signer this run signs as. A dry
 * run asks nothing of signing (it must work without credentials), so it
 * checks only when this machine has a signer configured; undefined: it
 * cannot check, and says so.
 */
export function signerToCheck(signing: SigningMode | undefined, config: PipelineConfig, env: Record<string, string | undefined>): SigningMode | undefined {
  if (signing) return signing;
  try {
    return publishSigning(config, env);
  } catch (e) {
    if (e instanceof AttestError) return undefined;
    throw e;
  }
}
