import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TempWorkspace } from "@image-tooling/test-support/temp-workspace";
import { fixtureWorkspace } from "@image-tooling/test-support/fixture-workspace";
import { runPipeline } from "@image-tooling/test-support/run-pipeline";
import { testVulnDb } from "@image-tooling/test-support/vuln-db";

// Bad vulnerability input stops smoke before anything is built, with one
// message naming the file or setting and what to do, and no stack trace.
// No engine is needed: these checks run at the CLI's edge.
describe("bad vulnerability input: one clear error before any build", () => {
  let ws: TempWorkspace;
  const IMAGE = "fixture-base";
  beforeAll(() => {
    ws = fixtureWorkspace(`sha256:${"0".repeat(64)}`, [IMAGE]);
  });
  afterAll(() => ws?.dispose());

  const smoke = async (env: Record<string, string>) => {
    const r = await runPipeline(ws, ["smoke", IMAGE], { IMAGE_VULN_DB: testVulnDb("base"), ...env });
    expect(r.status, r.all).toBe(1);
    expect(r.all).not.toMatch(/\n\s+at /);
    expect(r.all).not.toContain(`${IMAGE}: build`);
    return r.all;
  };

  it("a malformed OpenVEX file names the file and field", async () => {
    ws.write(
      `packages/${IMAGE}/vex.openvex.json`,
      JSON.stringify({
        "@context": "https://openvex.dev/ns/v0.2.0",
        "@id": "i",
        author: "a",
        timestamp: "t",
        version: 1,
        statements: [
          {
            vulnerability: { name: "CVE-1" },
            products: [{ "@id": "pkg:oci/x" }],
            status: "not_affected",
            justification: "component_not_present",
            expires: "next year",
          },
        ],
      }),
    );
    expect(await smoke({})).toContain(`packages/${IMAGE}/vex.openvex.json: statements[0].expires must be a date, YYYY-MM-DD`);
    ws.write(`packages/${IMAGE}/vex.openvex.json`, "{ not json");
    expect(await smoke({})).toContain(`packages/${IMAGE}/vex.openvex.json: is not valid JSON`);
    rmSync(join(ws.root, `packages/${IMAGE}/vex.openvex.json`));
  });

  it("an unknown severity in image.yaml names the file, image and field", async () => {
    const file = `packages/${IMAGE}/image.yaml`;
    const before = ws.read(file);
    ws.write(file, `${before}vulnerabilities:\n  failOn: severe\n`);
    expect(await smoke({})).toMatch(
      /packages\/fixture-base\/image\.yaml.*vulnerabilities\.failOn.*must be one of critical, high, medium, low, negligible, none/,
    );
    ws.write(file, before);
  });

  it("a missing database file names it and the setting", async () => {
    expect(await smoke({ IMAGE_VULN_DB: "/nonexistent/vulnerability-db.tar.gz" })).toContain(
      "the vulnerability database /nonexistent/vulnerability-db.tar.gz (vulnerabilities.database in image-tooling.yaml or IMAGE_VULN_DB) does not exist",
    );
  });

  it("a stale database says when it was built, the limit and what to do", async () => {
    const out = await smoke({ IMAGE_VULN_DB: testVulnDb("base", { built: "2026-01-01T00:00:00Z" }), IMAGE_VULN_DB_MAX_AGE: "5d" });
    expect(out).toMatch(
      /was built 2026-01-01T00:00:00\.000Z, [\d.]+ days ago: older than the 5\.0 days allowed \(vulnerabilities\.maxAge in image-tooling\.yaml or IMAGE_VULN_DB_MAX_AGE\)/,
    );
  });

  it("an unknown severity in image-tooling.yaml names the file and field", async () => {
    ws.write("image-tooling.yaml", "vulnerabilities:\n  failOn: severe\n");
    expect(await smoke({})).toMatch(/image-tooling\.yaml.*vulnerabilities\.failOn.*must be one of critical/);
    rmSync(join(ws.root, "image-tooling.yaml"));
  });
});
