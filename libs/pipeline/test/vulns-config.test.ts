import { describe, expect, it } from "vitest";
import { ImageMetadataError, parseImagePackage } from "@image-tooling/image-metadata";
import { resolveConfig, resolveVulnOnly } from "../src/config/config.ts";
import { checkAge } from "../src/scan/database.ts";
import { VulnDbError } from "../src/scan/errors.ts";

const base = { IMAGE_REGISTRY: "127.0.0.1:5000", IMAGE_NAMESPACE: "acme" };
const problems = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    if (e instanceof ImageMetadataError) return e.message;
    throw e;
  }
  throw new Error("no error");
};

describe("vulnerability configuration", () => {
  it("defaults: upstream database, 5 days, failOn critical with a fix", () => {
    expect(resolveConfig(null, base).vulnerabilities).toEqual({
      database: { kind: "upstream" },
      maxAgeMs: 5 * 86_400_000,
      policy: { failOn: "critical", onlyFixed: true },
    });
  });
  it("image-tooling.yaml sets the database, age and default gate; the environment overrides the database and age", () => {
    const file = "vulnerabilities:\n  database: oci://r.example/db/grype:v6\n  maxAge: 48h\n  failOn: high\n  onlyFixed: false\n";
    expect(resolveConfig(file, base).vulnerabilities).toEqual({
      database: { kind: "oci", ref: "r.example/db/grype:v6" },
      maxAgeMs: 48 * 3_600_000,
      policy: { failOn: "high", onlyFixed: false },
    });
    expect(resolveVulnOnly(file, { IMAGE_VULN_DB: "/srv/db.tar.zst", IMAGE_VULN_DB_MAX_AGE: "2d" })).toMatchObject({
      database: { kind: "file", path: "/srv/db.tar.zst" },
      maxAgeMs: 2 * 86_400_000,
    });
  });
  it("an unknown severity or a bad age is one error naming the file or variable and field", () => {
    expect(problems(() => resolveVulnOnly("vulnerabilities:\n  failOn: severe\n", {}))).toMatch(
      /image-tooling\.yaml.*vulnerabilities\.failOn.*must be one of critical, high, medium, low, negligible, none/s,
    );
    expect(problems(() => resolveVulnOnly(null, { IMAGE_VULN_DB_MAX_AGE: "a week" }))).toMatch(/IMAGE_VULN_DB_MAX_AGE.*must be hours or days/);
  });
  it("image.yaml's policy: an unknown severity names the file, image and field", () => {
    const yaml =
      "name: x\ndescription: d\nplatforms: [linux/amd64]\nbase:\n  image: docker.io/library/debian:12\n  digest: sha256:" +
      "a".repeat(64) +
      "\nvulnerabilities:\n  failOn: severe\n";
    expect(
      problems(() =>
        parseImagePackage({ root: "packages/x", metadataText: yaml, packageJsonText: JSON.stringify({ name: "x", version: "1.0.0" }), readFile: () => null }),
      ),
    ).toMatch(/packages\/x\/image\.yaml.*vulnerabilities\.failOn.*must be one of critical, high/s);
  });
});

describe("database age", () => {
  const info = { built: "2026-11-01T00:00:00.000Z", checksum: "xxh64:1", schema: "v6.1.10", source: "/srv/db.tar.gz" };
  it("a database older than the maximum is an error saying when it was built, the limit and what to do", () => {
    expect(() => checkAge(info, 5 * 86_400_000, new Date("2026-12-05T00:00:00Z"))).toThrow(VulnDbError);
    expect(() => checkAge(info, 5 * 86_400_000, new Date("2026-12-05T00:00:00Z"))).toThrow(
      /the vulnerability database from \/srv\/db\.tar\.gz was built 2026-11-01T00:00:00\.000Z, 34\.0 days ago: older than the 5\.0 days allowed \(vulnerabilities\.maxAge in image-tooling\.yaml or IMAGE_VULN_DB_MAX_AGE\)/,
    );
    expect(() => checkAge(info, 40 * 86_400_000, new Date("2026-12-05T00:00:00Z"))).not.toThrow();
  });
});
