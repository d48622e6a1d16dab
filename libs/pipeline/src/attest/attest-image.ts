import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { imageAndAncestors } from "@image-tooling/image-metadata";
import { readLock, type Arch } from "@image-tooling/image-metadata";
import type { RegistryClient } from "@image-tooling/oci-registry";
import type { Logger } from "../log/logger.ts";
import type { AttestationRecord } from "./attestation-record.ts";
import type { Workspace } from "../context/workspace.ts";
import { Cosign } from "./cosign.ts";
import { AttestError } from "./errors.ts";
import { INSTALL_ROOT } from "@image-tooling/cli-support";
import { describeWork, missingWork, nothingToDo, PREDICATE } from "./plan.ts";
import { provenancePredicate, type Dependency, type ProvenanceFacts } from "./provenance.ts";
import { readAttestations, sbomName } from "./referrers.ts";
import { enrichSbom, sha256Digest, type LockSource } from "./sbom.ts";
import { describeSigning, type SigningMode } from "./signing.ts";
import { scanImage } from "./syft.ts";
import { withToolEnvironment, type RegistryAccess } from "./tool-env.ts";
import type { VerifiedBundles } from "./verified-bundles.ts";
import type { ToolRetry } from "./tool-retry.ts";
import { describeExpected } from "./signer.ts";
import type { AttestationState } from "./plan.ts";

export interface AttestTarget {
  image: string;
  client: RegistryClient;
  /** Repository path without the registry. */
  repo: string;
  /** `<registry>/<repo>`. */
  repoRef: string;
  /**
   * The index digest: what is signed, and the subject of the provenance.
   * null for a platform staged before its index exists (a per-platform
   * publish): only its SBOM is attached; the merge signs the index.
   */
  digest: string | null;
  /** Platform → manifest digest: each the subject of its own SBOM. */
  platforms: Record<string, string>;
  access: RegistryAccess;
  mode: SigningMode;
  /** The facts for provenance, asked for only when provenance is missing. */
  provenance: () => Promise<ProvenanceFacts>;
  locks: LockSource[];
  log: Logger;
  /** The run's environment (RunContext.env), which cosign and syft inherit. */
  env: NodeJS.ProcessEnv;
  /** Bundles this machine already found signed by the expected signer. */
  verified?: VerifiedBundles;
  /** How cosign's and syft's network faults are retried; absent: one attempt. */
  retry?: ToolRetry;
}

/** tools.lock.json of an image and its ancestors (the child contains their tools too); images without one contribute nothing. */
export function lockSources(ws: Workspace, image: string): LockSource[] {
  const out: LockSource[] = [];
  for (const pkg of imageAndAncestors(ws.graph.images, image).reverse()) {
    const name = pkg.name;
    const file = `${pkg.root}/tools.lock.json`;
    if (!existsSync(join(ws.root, file))) continue;
    const { lock, problems } = readLock(ws.root, pkg.root, name);
    if (!lock)
      throw new AttestError(`${file}: ${problems.map((p) => `${p.field ? `${p.field} ` : ""}${p.message}`).join("; ")} — run \`npx nx run ${name}:lint\``);
    out.push({ file, lock });
  }
  return out;
}

/** The locks as provenance dependencies: path and sha256 of the file's bytes at this commit. */
export function lockDependencies(ws: Workspace, locks: LockSource[], sourceUrl: string | undefined, revision: string): Dependency[] {
  return locks.map((l) => ({
    name: l.file,
    ...(sourceUrl && { uri: `git+${sourceUrl}@${revision}#${l.file}` }),
    digest: sha256Digest(readFileSync(join(ws.root, l.file))),
  }));
}

export function daggerVersion(): string {
  return (JSON.parse(readFileSync(join(INSTALL_ROOT, "node_modules", "@dagger.io", "dagger", "package.json"), "utf8")) as { version: string }).version;
}

const archOf = (platform: string): Arch => platform.split("/")[1] as Arch;

/** One platform manifest by digest: what syft scans and what its SBOM is attached to. */
const platformRef = (repoRef: string, platformDigest: string): string => `${repoRef}@${platformDigest}`;

/**
 * Checks one platform's SBOM as a user would (`cosign verify-attestation
 * --type spdxjson <repository>@<platform digest>`) and that it describes
 * that manifest.
 */
export async function verifySbom(cosign: Cosign, repoRef: string, platformDigest: string): Promise<void> {
  const statements = await cosign.verifyAttestation(platformRef(repoRef, platformDigest), "spdxjson");
  const name = sbomName(repoRef, platformDigest);
  if (!statements.some((s) => (s as { predicate?: { name?: string } }).predicate?.name === name)) {
    throw new AttestError(`no verified SBOM describing ${name}`);
  }
}

const kindOf = (predicateType: string): string =>
  predicateType === PREDICATE.signature
    ? "signature"
    : predicateType === PREDICATE.sbom
      ? "SBOM"
      : predicateType === PREDICATE.provenance
        ? "provenance"
        : predicateType;

/** The result file's record of what a digest carries from the expected signer. */
const recordOf = (state: AttestationState, platforms: Record<string, string>) => ({
  signature: state.signature,
  sbom: Object.fromEntries(Object.entries(platforms).map(([p, d]) => [p, state.sbom[d]!])),
  provenance: state.provenance,
});

/**
 * Signs an index digest and attaches its provenance, and to each platform
 * manifest that platform's SBOM, skipping whatever is already there, then
 * verifies what it added as a user would. Never throws: a failure comes back as status
 * "failed" with the reason, for the result file.
 */
export async function attestImage(t: AttestTarget): Promise<AttestationRecord> {
  const ref = t.digest ? `${t.repoRef}@${t.digest}` : null;
  const subject =
    ref ??
    Object.values(t.platforms)
      .map((d) => `${t.repoRef}@${d}`)
      .join(", ");
  const log = t.log;
  if (t.mode.kind === "key") {
    log.addSecret(t.mode.password);
    for (const line of t.mode.privateKey.split("\n")) if (line.length >= 16 && !line.startsWith("-----")) log.addSecret(line);
  }
  try {
    return await withToolEnvironment(
      t.access,
      async (env) => {
        const dir = env.DOCKER_CONFIG!;
        const onBuild = (what: string) => log.info(`  ${what}`);
        const platformDigests = Object.values(t.platforms);
        // Opened first: in key mode the expected signer is the key's public half.
        const cosign = await Cosign.open(t.mode, env, dir, { plainHttp: t.access.plainHttp, onBuild, ...(t.retry && { retry: t.retry }) });
        const expected = cosign.expectedSigner();
        const read = () => readAttestations(t.client, t.repo, t.digest, platformDigests, expected, t.verified);
        // Before a write is run again after a cut: did the cut attempt land? Then a second copy would be attached.
        const has = (what: (s: AttestationState) => unknown) => async () => Boolean(what(await read()));
        const verifyAll = () =>
          log.step(`${t.image}: verify ${ref ? "signature, SBOMs and provenance" : "SBOMs"} with cosign`, async () => {
            await Promise.all([
              ...(ref ? [cosign.verify(ref), cosign.verifyAttestation(ref, "slsaprovenance1")] : []),
              ...platformDigests.map((d) => verifySbom(cosign, t.repoRef, d)),
            ]);
          });
        // Without an index there is nothing to sign or give provenance yet: only the platforms' SBOMs are due.
        const due = (state: AttestationState) => {
          const w = missingWork(state, t.platforms);
          return t.digest ? w : { ...w, sign: false, provenance: false };
        };
        const before = await read();
        const work = due(before);
        log.info(
          `${t.image}: attest ${(t.digest ?? platformDigests.join(", ")).slice(0, 19)}…: ${describeWork(work, Object.keys(t.platforms), describeSigning(t.mode))}`,
        );
        for (const f of before.foreign) {
          log.info(`  ⚠ a ${kindOf(f.type)} bundle on ${f.subject.slice(0, 19)}… is not by ${describeExpected(expected)} (${f.reason}): it does not count`);
        }
        if (nothingToDo(work)) {
          if (t.mode.kind === "keyless") {
            // Identity and signature are checked above; that the certificate is
            // Fulcio's and logged in Rekor takes Sigstore's trust root: cosign.
            await verifyAll();
          } else {
            // The key check above is the whole of cosign's check for a key-pair
            // signature (no transparency log), so no cosign process is started.
            log.info(`  (each signed by the configured key; check with \`cosign verify --key cosign.pub --insecure-ignore-tlog=true ${ref ?? subject}\`)`);
          }
          return { status: "present", ...recordOf(before, t.platforms) } satisfies AttestationRecord;
        }

        for (const platform of work.sbom) {
          const platformDigest = t.platforms[platform]!;
          await log.step(`${t.image}: SBOM ${platform} (syft → SPDX 2.3 + tools.lock.json)`, async () => {
            const scanned = await scanImage(platformRef(t.repoRef, platformDigest), env, onBuild, t.retry);
            const sbom = { ...enrichSbom(scanned, t.locks, archOf(platform)), name: sbomName(t.repoRef, platformDigest) };
            await cosign.attest(
              platformRef(t.repoRef, platformDigest),
              "spdxjson",
              sbom,
              dir,
              has((s) => s.sbom[platformDigest]),
            );
          });
        }
        if (ref && work.provenance) {
          await log.step(`${t.image}: SLSA v1 provenance`, async () =>
            cosign.attest(
              ref,
              "slsaprovenance1",
              provenancePredicate(await t.provenance()),
              dir,
              has((s) => s.provenance),
            ),
          );
        }
        if (ref && work.sign)
          await log.step(`${t.image}: sign ${ref}`, () =>
            cosign.sign(
              ref,
              has((s) => s.signature),
            ),
          );

        // What a user will run, over everything the digest now carries, with exactly the identity users are told to check.
        await verifyAll();

        const after = await read();
        const missing = due(after);
        if (!nothingToDo(missing)) throw new AttestError(`after signing, ${describeWork(missing, Object.keys(t.platforms), describeExpected(expected))}`);
        return {
          status: !before.signature && !before.provenance && Object.keys(before.sbom).length === 0 ? "created" : "completed",
          ...recordOf(after, t.platforms),
        } satisfies AttestationRecord;
      },
      t.env,
    );
  } catch (e) {
    const message = log.redact(e instanceof Error ? e.message : String(e));
    log.info(`✘ ${t.image}: signing/attesting ${subject} failed: ${message}`);
    return { status: "failed", error: message };
  }
}
