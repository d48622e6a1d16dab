import { SEVERITIES, type VulnerabilityPolicy } from "@image-tooling/image-metadata";
import type { Finding } from "./findings.ts";
import { accepts, isExpired, statementMatches, type VexStatement } from "./vex.ts";

/**
 * The gate: which findings stop smoke and publish. A finding counts when it
 * is at `failOn` or more severe, has a fix when `onlyFixed`, and no current
 * OpenVEX statement accepts it. Pure.
 */

export interface Accepted {
  finding: Finding;
  statement: VexStatement;
}

export interface GateVerdict {
  failing: Finding[];
  accepted: Accepted[];
  /** Failing findings an expired statement used to accept: the report says to renew or remove it. */
  expired: Accepted[];
}

const rank = (s: string): number => {
  const i = (SEVERITIES as readonly string[]).indexOf(s);
  return i === -1 ? SEVERITIES.length : i;
};

/** Whether the policy counts a finding at all (before accepted risk). */
export function inScope(policy: VulnerabilityPolicy, f: Finding): boolean {
  if (policy.failOn === "none") return false;
  if (policy.onlyFixed && !f.fixedIn) return false;
  return rank(f.severity) <= rank(policy.failOn);
}

export function evaluateGate(image: string, findings: Finding[], policy: VulnerabilityPolicy, statements: VexStatement[], now: Date): GateVerdict {
  const verdict: GateVerdict = { failing: [], accepted: [], expired: [] };
  for (const finding of findings) {
    const about = statements.filter((s) => accepts(s) && statementMatches(s, image, finding));
    const current = about.find((s) => !isExpired(s, now));
    if (current) {
      verdict.accepted.push({ finding, statement: current });
      continue;
    }
    if (!inScope(policy, finding)) continue;
    verdict.failing.push(finding);
    const lapsed = about.find((s) => isExpired(s, now));
    if (lapsed) verdict.expired.push({ finding, statement: lapsed });
  }
  return verdict;
}

export const describePolicy = (p: VulnerabilityPolicy): string =>
  p.failOn === "none" ? "report only (failOn: none)" : `failOn: ${p.failOn}${p.onlyFixed ? ", onlyFixed" : ""}`;
