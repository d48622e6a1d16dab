import type { Finding, FixRoute } from "./findings.ts";

/**
 * Where a finding's fix comes from, so a report says what to do. Pure.
 *
 * - no fixed version: nothing yet;
 * - a Debian package: a newer base (the pinned Debian digest; `npm run tools:update` proposes it);
 * - a Go module or the Go standard library inside a binary we download from
 *   tools.lock.json (kubectl, helm …): a newer release of that tool
 *   (`npm run tools:update`), since we never rebuild upstream binaries;
 * - anything else: rebuilding the image picks up the newer package.
 */
export function fixRoute(finding: Omit<Finding, "route">, lockedBinaries: ReadonlySet<string>): FixRoute {
  if (!finding.fixedIn) return "nothing-yet";
  if (finding.type === "deb") return "base-update";
  if (finding.type === "go-module" && finding.locations.some((path) => lockedBinaries.has(path))) return "tool-update";
  return "rebuild";
}

export const ROUTE_TEXT: Record<FixRoute, string> = {
  "tool-update": "tool update (npm run tools:update)",
  "base-update": "base update (a newer Debian base digest: npm run tools:update, then release)",
  rebuild: "rebuild (publish a new version)",
  "nothing-yet": "nothing yet (no fixed version published)",
};
