import { describe, expect, it } from "vitest";
import { diffFindings } from "../src/scan/delta.ts";
import { countBySeverity, fromGrype, type Finding } from "../src/scan/findings.ts";
import { fixRoute } from "../src/scan/fix-route.ts";
import { describePolicy, evaluateGate, inScope } from "../src/scan/policy.ts";
import { parseVex, statementMatches, VexError, type VexStatement } from "../src/scan/vex.ts";
import { buildReport, gateFailureMessage } from "../src/scan/report.ts";
import { rescanResult } from "../src/scan/rescan-report.ts";

const finding = (over: Partial<Finding> = {}): Finding => ({
  id: "CVE-2026-1000",
  severity: "critical",
  package: "zlib1g",
  installed: "1:1.2.13.dfsg-1+deb12u1",
  fixedIn: "1:1.2.13.dfsg-1+deb12u2",
  type: "deb",
  locations: ["/var/lib/dpkg/status"],
  route: "base-update",
  ...over,
});

const statement = (over: Partial<VexStatement> = {}): VexStatement => ({
  where: "packages/x/vex.openvex.json#statements[0]",
  vulnerability: "CVE-2026-1000",
  aliases: [],
  products: ["pkg:oci/x"],
  packages: [],
  status: "not_affected",
  justification: "vulnerable_code_not_in_execute_path",
  expires: "2026-12-31",
  ...over,
});

const NOW = new Date("2026-12-05T12:00:00Z");

describe("fix routes", () => {
  const locked = new Set(["/usr/local/bin/kubectl"]);
  it("a Go module or stdlib finding in a binary from tools.lock.json is a tool update", () => {
    expect(fixRoute({ ...finding({ type: "go-module", package: "stdlib", locations: ["/usr/local/bin/kubectl"] }) }, locked)).toBe("tool-update");
  });
  it("a Debian package is a base update; no fixed version is nothing yet; anything else a rebuild", () => {
    expect(fixRoute(finding(), locked)).toBe("base-update");
    expect(fixRoute(finding({ fixedIn: undefined }), locked)).toBe("nothing-yet");
    expect(fixRoute(finding({ type: "go-module", package: "stdlib", locations: ["/usr/bin/other"] }), locked)).toBe("rebuild");
    expect(fixRoute(finding({ type: "go-module", fixedIn: undefined, locations: ["/usr/local/bin/kubectl"] }), locked)).toBe("nothing-yet");
  });
});

describe("grype's JSON", () => {
  it("becomes one finding per vulnerability, package and version, severity lower-cased, unknown kept as unknown", () => {
    const doc = {
      matches: [
        {
          vulnerability: { id: "CVE-1", severity: "High", fix: { versions: ["2"], state: "fixed" } },
          artifact: { name: "a", version: "1", type: "deb", locations: [{ path: "/s" }] },
        },
        {
          vulnerability: { id: "CVE-1", severity: "High", fix: { versions: ["2"], state: "fixed" } },
          artifact: { name: "a", version: "1", type: "deb", locations: [{ path: "/s" }] },
        },
        { vulnerability: { id: "CVE-2", severity: "Whatever", fix: { versions: [], state: "not-fixed" } }, artifact: { name: "b", version: "3", type: "deb" } },
      ],
    };
    const fs = fromGrype(doc, (f) => fixRoute(f, new Set()));
    expect(fs).toEqual([
      { id: "CVE-1", severity: "high", package: "a", installed: "1", fixedIn: "2", type: "deb", locations: ["/s"], route: "base-update" },
      { id: "CVE-2", severity: "unknown", package: "b", installed: "3", type: "deb", locations: [], route: "nothing-yet" },
    ]);
    expect(countBySeverity(fs).high).toEqual({ fixable: 1, noFix: 0 });
    expect(countBySeverity(fs).unknown).toEqual({ fixable: 0, noFix: 1 });
  });
});

describe("the gate", () => {
  it("fails on findings at failOn or above; onlyFixed leaves out those without a fix; none never fails", () => {
    const high = finding({ severity: "high" });
    expect(inScope({ failOn: "critical", onlyFixed: true }, high)).toBe(false);
    expect(inScope({ failOn: "high", onlyFixed: true }, high)).toBe(true);
    expect(inScope({ failOn: "high", onlyFixed: true }, finding({ fixedIn: undefined }))).toBe(false);
    expect(inScope({ failOn: "high", onlyFixed: false }, finding({ fixedIn: undefined }))).toBe(true);
    expect(inScope({ failOn: "none", onlyFixed: false }, finding())).toBe(false);
    expect(inScope({ failOn: "low", onlyFixed: false }, finding({ severity: "unknown" }))).toBe(false);
    expect(describePolicy({ failOn: "high", onlyFixed: true })).toBe("failOn: high, onlyFixed");
  });

  it("a current statement accepts a finding; an expired one stops counting and is named", () => {
    const policy = { failOn: "critical", onlyFixed: true } as const;
    expect(evaluateGate("x", [finding()], policy, [statement()], NOW)).toMatchObject({ failing: [], accepted: [{ finding: finding() }] });
    const lapsed = statement({ expires: "2026-12-04" });
    const v = evaluateGate("x", [finding()], policy, [lapsed], NOW);
    expect(v.failing).toEqual([finding()]);
    expect(v.expired).toEqual([{ finding: finding(), statement: lapsed }]);
    // The last day still counts.
    expect(evaluateGate("x", [finding()], policy, [statement({ expires: "2026-12-05" })], NOW).failing).toEqual([]);
  });

  it("a statement counts only for its vulnerability (or alias), image, package and status", () => {
    expect(statementMatches(statement(), "x", finding())).toBe(true);
    expect(statementMatches(statement({ vulnerability: "GHSA-1", aliases: ["CVE-2026-1000"] }), "x", finding())).toBe(true);
    expect(statementMatches(statement(), "y", finding())).toBe(false);
    expect(statementMatches(statement({ products: ["pkg:oci/x@sha256:abc?repository_url=r"] }), "x", finding())).toBe(true);
    expect(statementMatches(statement({ products: ["x"] }), "x", finding())).toBe(true);
    expect(statementMatches(statement({ packages: ["zlib1g"] }), "x", finding())).toBe(true);
    expect(statementMatches(statement({ packages: ["libc6"] }), "x", finding())).toBe(false);
    const policy = { failOn: "critical", onlyFixed: true } as const;
    expect(evaluateGate("x", [finding()], policy, [statement({ status: "affected" })], NOW).failing).toHaveLength(1);
  });

  it("the failure message names each finding, its package, installed and fixed version, the fix route and how to accept it", () => {
    const failing = finding();
    const report = buildReport(
      [
        {
          platform: "linux/amd64",
          findings: [failing],
          db: { built: "2026-12-05T00:00:00.000Z", checksum: "xxh64:1", schema: "v6", source: "f" },
          scanner: "grype",
        },
      ],
      "failOn: critical, onlyFixed",
      { "linux/amd64": { failing: [failing], accepted: [], expired: [] } },
    );
    const msg = gateFailureMessage("x", report, "packages/x/image.yaml", "packages/x/vex.openvex.json", []);
    expect(msg).toContain("x: vulnerability gate failed (failOn: critical, onlyFixed, from packages/x/image.yaml");
    expect(msg).toContain("✘ CVE-2026-1000 critical in zlib1g 1:1.2.13.dfsg-1+deb12u1 → fixed in 1:1.2.13.dfsg-1+deb12u2 — fix: base update");
    expect(msg).toContain("packages/x/vex.openvex.json");
    expect(msg).toContain('"expires": "YYYY-MM-DD"');
  });
});

describe("OpenVEX files", () => {
  const doc = (statements: unknown[]) =>
    JSON.stringify({ "@context": "https://openvex.dev/ns/v0.2.0", "@id": "i", author: "a", timestamp: "t", version: 1, statements });
  const good = {
    vulnerability: { name: "CVE-1" },
    products: [{ "@id": "pkg:oci/x", subcomponents: [{ "@id": "pkg:deb/debian/zlib1g@1" }] }],
    status: "not_affected",
    justification: "component_not_present",
    expires: "2027-01-01",
  };

  it("parses statements with their package limits", () => {
    expect(parseVex("v.json", doc([good]))).toEqual([
      expect.objectContaining({ where: "v.json#statements[0]", vulnerability: "CVE-1", products: ["pkg:oci/x"], packages: ["zlib1g"], expires: "2027-01-01" }),
    ]);
  });
  it("malformed input is one error naming the file and field", () => {
    expect(() => parseVex("v.json", "{not json")).toThrow(/^v\.json: is not valid JSON/);
    expect(() => parseVex("v.json", doc([{ ...good, expires: undefined }]))).toThrow(VexError);
    expect(() => parseVex("v.json", doc([{ ...good, expires: "soon" }]))).toThrow(/^v\.json: statements\[0\]\.expires must be a date, YYYY-MM-DD/);
    expect(() => parseVex("v.json", doc([{ ...good, justification: "because" }]))).toThrow(
      /statements\[0\]\.justification must be one of component_not_present/,
    );
    expect(() => parseVex("v.json", doc([{ ...good, justification: undefined }]))).toThrow(
      /statements\[0\]\.justification is required for status not_affected/,
    );
    expect(() => parseVex("v.json", doc([{ ...good, status: "ok" }]))).toThrow(/statements\[0\]\.status must be one of/);
  });
});

describe("deltas", () => {
  it("fixed, new and still open, by vulnerability and package (a new installed version of a still vulnerable package stays open)", () => {
    const a = finding({ id: "CVE-A" });
    const b = finding({ id: "CVE-B", package: "tar" });
    const c = finding({ id: "CVE-C", package: "gzip" });
    const d = diffFindings([a, b], [finding({ id: "CVE-B", package: "tar", installed: "newer" }), c]);
    expect(d.fixed.map((f) => f.id)).toEqual(["CVE-A"]);
    expect(d.new.map((f) => f.id)).toEqual(["CVE-C"]);
    expect(d.stillOpen.map((f) => f.installed)).toEqual(["newer"]);
  });

  it("a rescan reports what is new per digest across platforms and what has a fix now", () => {
    const db = { built: "b", checksum: "c", schema: "s", source: "x" };
    const old = [finding({ id: "CVE-A" })];
    const now = [finding({ id: "CVE-A" }), finding({ id: "CVE-N", package: "gzip", severity: "high" })];
    const r = rescanResult("x", "1.0.0", "sha256:d", db, [
      { platform: "linux/amd64", digest: "sha256:1", attached: old, attachedDb: "old", now },
      { platform: "linux/arm64", digest: "sha256:2", attached: old, attachedDb: "old", now },
    ]);
    expect(r.new).toEqual([expect.objectContaining({ id: "CVE-N", platforms: ["linux/amd64", "linux/arm64"] })]);
    expect(r.fixable.map((f) => f.id)).toEqual(["CVE-A", "CVE-N"]);
    expect(r.gone).toEqual([]);
  });
});

describe("the previous release", () => {
  it("is the highest X.Y.Z below this version", async () => {
    const { previousVersion } = await import("../src/scan/previous.ts");
    expect(previousVersion(["1.0.0", "1.4.2", "1.10.0", "2.0.0", "latest", "1", "1.4"], "1.10.1")).toBe("1.10.0");
    expect(previousVersion(["1.0.0", "2.0.0"], "1.5.0")).toBe("1.0.0");
    expect(previousVersion(["2.0.0"], "1.5.0")).toBeUndefined();
  });
});

describe("the step summary", () => {
  it("lists each image's platforms with counts and the gate, and each failing finding", async () => {
    const { vulnerabilityLines } = await import("../src/report/result.ts");
    const failing = finding();
    const report = buildReport(
      [
        {
          platform: "linux/amd64",
          findings: [failing, finding({ id: "CVE-2", severity: "low", fixedIn: undefined })],
          db: { built: "b", checksum: "c", schema: "s", source: "f" },
          scanner: "grype",
        },
      ],
      "failOn: critical, onlyFixed",
      { "linux/amd64": { failing: [failing], accepted: [], expired: [] } },
    );
    const lines = vulnerabilityLines([{ image: "x", version: "1.0.0", command: "smoke", status: "failed", durationMs: 1, vulnerabilities: report }]);
    expect(lines).toContain("| x | linux/amd64 | critical 1 (1 fixable), low 1 (0 fixable) | failed (failOn: critical, onlyFixed) |");
    expect(lines).toContain("- ✘ x: CVE-2026-1000 critical in zlib1g 1:1.2.13.dfsg-1+deb12u1 → 1:1.2.13.dfsg-1+deb12u2");
  });
});

describe("locations from an SPDX SBOM", () => {
  it("come from sourceInfo (grype keeps none for SPDX packages), so a Go finding still names its binary and its fix route", async () => {
    const { spdxLocations } = await import("../src/scan/findings.ts");
    const located = spdxLocations({
      packages: [
        { name: "stdlib", versionInfo: "go1.26.8", sourceInfo: "acquired package info from go module information: /usr/local/bin/kubectl" },
        { name: "stdlib", versionInfo: "go1.26.8", sourceInfo: "acquired package info from go module information: /usr/local/bin/helm" },
        { name: "libc6", versionInfo: "2.36", sourceInfo: "acquired package info from DPKG DB: /var/lib/dpkg/status" },
        { name: "root" },
      ],
    });
    expect(located.get("stdlib@go1.26.8")).toEqual(["/usr/local/bin/kubectl", "/usr/local/bin/helm"]);
    const doc = {
      matches: [
        {
          vulnerability: { id: "GO-1", severity: "High", fix: { versions: ["1.26.9"], state: "fixed" } },
          artifact: { name: "stdlib", version: "go1.26.8", type: "go-module" },
        },
      ],
    };
    const [f] = fromGrype(
      doc,
      (x) => fixRoute(x, new Set(["/usr/local/bin/helm"])),
      (name, version) => located.get(`${name}@${version}`) ?? [],
    );
    expect(f).toMatchObject({ locations: ["/usr/local/bin/helm", "/usr/local/bin/kubectl"], route: "tool-update" });
  });
});
