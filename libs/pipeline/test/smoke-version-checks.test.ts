import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lockSchema, parseSmokeSpec, type RunCheck } from "@image-tooling/image-metadata";
import { INSTALL_ROOT } from "@image-tooling/cli-support";
import { WORKSPACE_PACKAGES } from "@image-tooling/test-support/workspace-images";
import { runCheckProblems } from "../src/smoke/run-smoke.ts";

/**
 * The generated version checks of every real smoke.yaml, run through the
 * smoke runner's own matching against the output their tool prints (its
 * versionPattern with the pinned version, as the real tools print it) and
 * against near misses that must not pass.
 */
const cases = WORKSPACE_PACKAGES.flatMap((pkg) => {
  const lockFile = join(pkg.root, "tools.lock.json");
  const lock = lockSchema.parse(JSON.parse(readFileSync(join(INSTALL_ROOT, lockFile), "utf8")));
  const spec = parseSmokeSpec(readFileSync(join(INSTALL_ROOT, pkg.files.smoke), "utf8"), pkg.files.smoke, pkg.name);
  return Object.entries(lock.tools).map(([tool, t]) => {
    const check = spec.checks.find((c) => c.name === `${tool} reports its pinned version ${t.version}`) as RunCheck | undefined;
    return { image: pkg.name, tool, version: t.version, pattern: t.versionPattern, check };
  });
});

const problems = (check: RunCheck, stdout: string, stderr = "") => runCheckProblems(check, { exitCode: 0, stdout, stderr });

describe("the real images' version checks", () => {
  it("every pinned tool of every image has one", () => {
    expect(cases.length).toBeGreaterThan(10);
    expect(cases.filter((c) => !c.check).map((c) => `${c.image}/${c.tool}`)).toEqual([]);
  });

  describe.each(cases.map((c) => [`${c.image}: ${c.tool} ${c.version}`, c] as const))("%s", (_, c) => {
    const check = c.check!;
    // The tools' versionPatterns are plain text apart from {version}: what the tool prints.
    const printed = (version: string) => c.pattern.replaceAll("{version}", version);

    it("passes on the pinned version: alone, on a later line, on stderr, with build metadata or punctuation after it", () => {
      expect(problems(check, printed(c.version))).toEqual([]);
      expect(problems(check, `header line\n${printed(c.version)} (linux/amd64)`)).toEqual([]);
      expect(problems(check, "", printed(c.version))).toEqual([]);
      expect(problems(check, `${printed(c.version)}+abc123`)).toEqual([]);
      expect(problems(check, `${printed(c.version)}, build 1234567`)).toEqual([]);
    });

    it("fails on a longer, a pre-release or another version, and inside another word", () => {
      for (const wrong of [
        printed(`${c.version}4`),
        printed(`${c.version}.1`),
        printed(`${c.version}-rc.1`),
        printed(`${c.version}_x`),
        printed(`1${c.version}`),
        `x${printed(c.version)}`,
        `${c.tool}-${printed(c.version)}`,
      ]) {
        expect({ wrong, problems: problems(check, wrong) }).toEqual({ wrong, problems: [`output does not match /${check.output}/`] });
      }
    });
  });
});
