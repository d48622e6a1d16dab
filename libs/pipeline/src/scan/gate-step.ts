import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isDownloadTool, type ImagePackage, type VulnerabilityPolicy } from "@image-tooling/image-metadata";
import { lockSources } from "../attest/attest-image.ts";
import { CONFIG_FILE } from "../config/config.ts";
import type { VulnConfig } from "../config/vuln-config.ts";
import type { Logger } from "../log/logger.ts";
import type { BuiltImage } from "../build/built-image.ts";
import type { Workspace } from "../context/workspace.ts";
import { prepareDatabase } from "./database.ts";
import type { PlatformScan } from "./findings.ts";
import { describePolicy, evaluateGate, type GateVerdict } from "./policy.ts";
import { buildReport, gateFailureMessage, reportLines, statementsAcross, type VulnerabilityReport } from "./report.ts";
import { scanContainer } from "./scan-image.ts";
import { parseVex, type VexStatement } from "./vex.ts";

/** An image failed its vulnerability gate; carries the report for the result file. */
export class VulnGateError extends Error {
  constructor(
    message: string,
    readonly report: VulnerabilityReport,
  ) {
    super(message);
  }
}

export interface ScanRun {
  ws: Workspace;
  log: Logger;
  vulns: VulnConfig;
  /** Plain HTTP to a non-loopback registry holding the database. */
  plainHttp?: boolean;
  /** The run's environment (RunContext.env), which syft and grype inherit. */
  env: NodeJS.ProcessEnv;
}

/** The image's own OpenVEX file, then the family's. */
export const vexFiles = (pkg: ImagePackage): string[] => [`${pkg.root}/vex.openvex.json`, "vex.openvex.json"];

export function readVex(root: string, pkg: ImagePackage): VexStatement[] {
  return vexFiles(pkg).flatMap((file) => (existsSync(join(root, file)) ? parseVex(file, readFileSync(join(root, file), "utf8")) : []));
}

export function imagePolicy(pkg: ImagePackage, vulns: VulnConfig): { policy: VulnerabilityPolicy; source: string } {
  return pkg.metadata.vulnerabilities
    ? { policy: pkg.metadata.vulnerabilities, source: pkg.files.metadata }
    : { policy: vulns.policy, source: `${CONFIG_FILE} (repository default)` };
}

/** Paths of the binaries tools.lock.json downloads into the image (and its ancestors). */
export function lockedBinaries(ws: Workspace, image: string): Set<string> {
  return new Set(
    lockSources(ws, image).flatMap((s) =>
      Object.values(s.lock.tools)
        .filter(isDownloadTool)
        .map((t) => t.install),
    ),
  );
}

/** Applies the gate to scans already made; throws VulnGateError naming each failing finding. */
export function gate(run: ScanRun, pkg: ImagePackage, scans: PlatformScan[], now = new Date()): VulnerabilityReport {
  const statements = readVex(run.ws.root, pkg);
  const { policy, source } = imagePolicy(pkg, run.vulns);
  const verdicts: Record<string, GateVerdict> = Object.fromEntries(scans.map((s) => [s.platform, evaluateGate(pkg.name, s.findings, policy, statements, now)]));
  const report = buildReport(scans, describePolicy(policy), verdicts);
  for (const line of reportLines(report)) run.log.info(line);
  if (report.gate === "failed") {
    throw new VulnGateError(gateFailureMessage(pkg.name, report, source, vexFiles(pkg)[0]!, statementsAcross(verdicts, "expired")), report);
  }
  return report;
}

/**
 * Smoke's and publish's scan: every platform of the built image, before any
 * push, then the gate. Returns the per-platform scans (publish attaches them
 * once pushed) and the report.
 */
export async function scanAndGate(run: ScanRun, built: BuiltImage): Promise<{ report: VulnerabilityReport; scans: PlatformScan[] }> {
  // Bad VEX or policy input fails before the slow part.
  readVex(run.ws.root, built.pkg);
  const db = await prepareDatabase(run.vulns, run.log, run.env, { plainHttp: run.plainHttp });
  const binaries = lockedBinaries(run.ws, built.pkg.name);
  const scans = await Promise.all(
    [...built.containers].map(([platform, ctr]) =>
      run.log.step(`${built.pkg.name}: scan ${platform} for vulnerabilities (syft → grype)`, () => scanContainer(ctr, platform, db, binaries, run.env)),
    ),
  );
  return { report: gate(run, built.pkg, scans), scans };
}
