import { describe, expect, it } from "vitest";
import { parseSmokeSpec } from "../src/index.ts";
import { metadataErrorOf } from "./support/metadata-error.ts";

describe("parseSmokeSpec", () => {
  it("refuses a spec with no checks: it would pass any image", () => {
    for (const text of ["checks: []\n", "checks:\n"]) {
      const e = metadataErrorOf(() => parseSmokeSpec(text, "packages/demo/smoke.yaml", "demo"));
      expect(e.problems).toHaveLength(1);
      expect(e.problems[0]).toMatchObject({ file: "packages/demo/smoke.yaml", image: "demo", field: "checks" });
    }
    expect(metadataErrorOf(() => parseSmokeSpec("checks: []\n", "packages/demo/smoke.yaml", "demo")).message).toBe(
      'packages/demo/smoke.yaml, image "demo", field "checks": has no checks: a smoke spec that checks nothing would pass any image; add at least one check',
    );
  });

  it("accepts one check", () => {
    expect(parseSmokeSpec('checks:\n  - name: true runs\n    run: ["true"]\n', "s.yaml", "demo").checks).toHaveLength(1);
  });
});
