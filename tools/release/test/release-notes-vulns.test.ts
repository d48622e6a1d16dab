import { describe, expect, it } from "vitest";
import { renderImageNotes } from "../src/render-notes.ts";
import { parseResult } from "../src/result-file.ts";

const f = (id: string, pkg: string, fixedIn?: string) => ({
  id,
  severity: "high",
  package: pkg,
  installed: "1",
  ...(fixedIn && { fixedIn }),
  type: "deb",
  locations: [],
  route: fixedIn ? "base-update" : "nothing-yet",
  platforms: ["linux/amd64", "linux/arm64"],
});
const counts = {
  critical: { fixable: 0, noFix: 0 },
  high: { fixable: 1, noFix: 1 },
  medium: { fixable: 0, noFix: 0 },
  low: { fixable: 0, noFix: 0 },
  negligible: { fixable: 0, noFix: 0 },
  unknown: { fixable: 0, noFix: 0 },
};

describe("release notes: vulnerabilities", () => {
  it("give counts per platform, the report attestations and the delta from the previous version (fixed, new, still open)", () => {
    const result = parseResult(
      JSON.stringify({
        image: "tooling-k8s",
        version: "1.5.0",
        status: "pushed",
        digest: "sha256:aaaa",
        attestations: { status: "created", vuln: { "linux/amd64": "sha256:bbbb" } },
        vulnerabilities: {
          scanner: "grype v0.121.3",
          db: { built: "2026-12-05T00:00:00.000Z", checksum: "xxh64:1", schema: "v6.1.10", source: "upstream" },
          policy: "failOn: critical, onlyFixed",
          gate: "passed",
          platforms: { "linux/amd64": { counts, findings: [f("CVE-NEW", "gzip", "2"), f("CVE-OPEN", "tar")] } },
          failing: [],
          accepted: [],
          previous: {
            version: "1.4.2",
            digest: "sha256:cccccccccccccccccccc",
            fixed: [f("CVE-OLD", "zlib1g", "2")],
            new: [f("CVE-NEW", "gzip", "2")],
            stillOpen: [f("CVE-OPEN", "tar")],
          },
        },
      }),
      "result.json",
    );
    const notes = renderImageNotes(result);
    expect(notes).toContain("| vulnerability report (cosign vuln) | linux/amd64 `sha256:bbbb` |");
    expect(notes).toContain("| vulnerabilities | linux/amd64: high 2 (1 fixable) — gate passed (failOn: critical, onlyFixed) |");
    expect(notes).toContain("### Vulnerabilities");
    expect(notes).toContain("Compared with 1.4.2");
    expect(notes).toMatch(/\*\*Fixed:\*\*\n\n- CVE-OLD high in zlib1g/);
    expect(notes).toMatch(/\*\*New:\*\*\n\n- CVE-NEW high in gzip 1 → fixed in 2 — fix: base update/);
    expect(notes).toMatch(/\*\*Still open:\*\*\n\n- CVE-OPEN high in tar 1 → no fix yet/);
  });
});
