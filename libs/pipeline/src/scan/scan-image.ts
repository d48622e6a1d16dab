import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Container } from "@dagger.io/dagger";
import { execTool, goToolBinary } from "@image-tooling/go-tool";
import { GRYPE, SYFT } from "../attest/tools.ts";
import type { SpdxDocument } from "../attest/sbom.ts";
import type { PreparedDb } from "./database.ts";
import { grypeEnv } from "./database.ts";
import { ScanError } from "./errors.ts";
import { fromGrype, spdxLocations, type Finding, type GrypeDocument, type PlatformScan } from "./findings.ts";
import { fixRoute } from "./fix-route.ts";

/**
 * grype over a syft SBOM: the SBOM is what we scan, so a published digest is
 * rescanned from its SBOM without pulling the image again, and what grype
 * sees is what the SBOM attestation says the image holds.
 */
export const SCANNER = `grype ${GRYPE.version}`;

const tail = (s: string) => s.trim().split("\n").slice(-3).join(" ");

/** Findings of one SBOM (an SPDX document, or syft's JSON as text) with the prepared database; grype inherits `env` (the run's). */
export async function scanSbom(
  sbom: SpdxDocument | string,
  db: PreparedDb,
  lockedBinaries: ReadonlySet<string>,
  platform: string,
  env: NodeJS.ProcessEnv,
): Promise<PlatformScan> {
  const located = typeof sbom === "string" ? new Map<string, string[]>() : spdxLocations(sbom);
  const dir = mkdtempSync(join(tmpdir(), "image-tooling-scan-"));
  try {
    const file = join(dir, "sbom.json");
    writeFileSync(file, typeof sbom === "string" ? sbom : JSON.stringify(sbom));
    const bin = await goToolBinary(GRYPE, { env });
    const r = await execTool(bin, [`sbom:${file}`, "-o", "json", "-q"], grypeEnv(db.cacheDir, env));
    if (r.code !== 0) throw new ScanError(`grype ${GRYPE.version} could not scan the SBOM of ${platform} (exit ${r.code}): ${tail(r.stderr)}`);
    const doc = JSON.parse(r.stdout) as GrypeDocument;
    const findings: Finding[] = fromGrype(
      doc,
      (f) => fixRoute(f, lockedBinaries),
      (name, version) => located.get(`${name}@${version}`) ?? [],
    );
    return { platform, findings, db: db.info, scanner: SCANNER };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * One built (not yet pushed) platform: the engine exports it as an OCI
 * tarball, syft makes its SBOM, grype scans that. Smoke and publish run this
 * before anything is pushed, so the gate sees exactly the tested build.
 */
export async function scanContainer(
  ctr: Container,
  platform: string,
  db: PreparedDb,
  lockedBinaries: ReadonlySet<string>,
  /** The run's environment, which syft and grype inherit. */
  env: NodeJS.ProcessEnv,
): Promise<PlatformScan> {
  const dir = mkdtempSync(join(tmpdir(), "image-tooling-export-"));
  try {
    const tarball = await ctr.export(join(dir, "image.tar"));
    const syft = await goToolBinary(SYFT, { env });
    // syft's own JSON keeps each package's files, which grype passes on: a Go finding names its binary.
    const r = await execTool(syft, ["scan", `oci-archive:${tarball}`, "-o", "syft-json", "-q"], { ...env, SYFT_CHECK_FOR_APP_UPDATE: "false" });
    if (r.code !== 0) throw new ScanError(`syft ${SYFT.version} could not read the built ${platform} image (exit ${r.code}): ${tail(r.stderr)}`);
    return await scanSbom(r.stdout, db, lockedBinaries, platform, env);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
