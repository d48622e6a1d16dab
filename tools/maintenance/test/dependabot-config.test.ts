import { readFileSync } from "node:fs";
import { join } from "node:path";
import { INSTALL_ROOT } from "@image-tooling/cli-support";
import { describe, expect, it } from "vitest";
import { checkDependabotConfig, DEPENDABOT_FILE } from "../src/dependabot-config.ts";

const committed = readFileSync(join(INSTALL_ROOT, DEPENDABOT_FILE), "utf8");
const F = DEPENDABOT_FILE;

/** The committed file with one piece replaced (which must be there, so that no case passes on an edit that did nothing). */
const edit = (from: string, to: string): string => {
  if (!committed.includes(from)) throw new Error(`${F} has no "${from}"`);
  return committed.replace(from, to);
};
/** The GitHub Actions entry as committed (the last one, updates[1]). */
const ACTIONS = '  - package-ecosystem: github-actions\n    directory: /\n    multi-ecosystem-group: weekly\n    patterns: ["*"]\n';
/** The committed file with the actions entry's options replaced by `lines`. */
const actions = (lines: string[]): string => edit(ACTIONS, ["  - package-ecosystem: github-actions", ...lines.map((l) => `    ${l}`), ""].join("\n"));

describe(".github/dependabot.yml", () => {
  it("is a valid Dependabot v2 file that puts a week's npm and GitHub Actions updates into one pull request", () => {
    expect(checkDependabotConfig(committed)).toEqual([]);
  });

  const refuses = (cases: [string, () => string, string][]) =>
    it.each(cases)("refuses %s", (_, text, problem) => {
      const problems = checkDependabotConfig(text());
      expect(problems.join("\n")).toContain(problem);
    });

  describe("the format (SchemaStore's dependabot-2.0 rules and the multi-ecosystem groups)", () => {
    refuses([
      ["version 1", () => edit("version: 2", "version: 1"), `${F}: version: must be 2`],
      ["an unknown top-level key", () => edit("version: 2", "version: 2\nschedules: {}"), `${F}: schedules: is not a Dependabot option`],
      [
        "a misspelt option",
        () => edit("versioning-strategy: increase", "version-strategy: increase"),
        `${F}: updates[0].version-strategy: is not a Dependabot option`,
      ],
      [
        "an unknown ecosystem",
        () => edit("package-ecosystem: github-actions", "package-ecosystem: actions"),
        `${F}: updates[1].package-ecosystem: Invalid option`,
      ],
      ["a bad time", () => edit('time: "05:00"', 'time: "5am"'), `${F}: multi-ecosystem-groups.weekly.schedule.time: must be hh:mm (24 h)`],
      [
        "an unknown time zone",
        () => edit("timezone: Etc/UTC", "timezone: Mars/Olympus"),
        `${F}: multi-ecosystem-groups.weekly.schedule.timezone: must be an IANA time zone`,
      ],
      ["an unknown day", () => edit("day: monday", "day: mondays"), `${F}: multi-ecosystem-groups.weekly.schedule.day: Invalid option`],
      [
        "cron without a cronjob",
        () => edit("interval: weekly", "interval: cron"),
        `${F}: multi-ecosystem-groups.weekly.schedule.cronjob: interval cron needs a cronjob`,
      ],
      [
        "an entry without a directory",
        () => actions(["multi-ecosystem-group: weekly", 'patterns: ["*"]']),
        `${F}: updates[1].directory: set exactly one of directory and directories`,
      ],
      [
        "directory and directories",
        () => actions(["directory: /", "directories: [/]", "multi-ecosystem-group: weekly", 'patterns: ["*"]']),
        `${F}: updates[1].directory: set exactly one of directory and directories`,
      ],
      [
        "a group nobody defined",
        () => actions(["directory: /", "multi-ecosystem-group: nightly", 'patterns: ["*"]']),
        `${F}: updates[1].multi-ecosystem-group: names "nightly", which multi-ecosystem-groups does not define`,
      ],
      [
        "a group entry without patterns",
        () => actions(["directory: /", "multi-ecosystem-group: weekly"]),
        `${F}: updates[1].patterns: is required in a multi-ecosystem-group entry`,
      ],
      ["an entry with neither group nor schedule", () => actions(["directory: /", 'patterns: ["*"]']), `${F}: updates[1].schedule: is required`],
      [
        "an ignore rule naming nothing",
        () => edit('      - dependency-name: "@image-tooling/*"', "      - {}"),
        `${F}: updates[0].ignore[1]: needs dependency-name, update-types or versions`,
      ],
      [
        "duplicate keys",
        () => actions(["directory: /", "directory: /", "multi-ecosystem-group: weekly", 'patterns: ["*"]']),
        `${F}: is not valid YAML: Map keys must be unique`,
      ],
    ]);
  });

  describe("what this repository needs of it", () => {
    refuses([
      [
        "an entry outside the weekly group",
        () => actions(["directory: /", "schedule: { interval: daily }", 'patterns: ["*"]']),
        `${F}: updates[1].multi-ecosystem-group: must be "weekly", so its updates join the weekly pull request`,
      ],
      [
        "a monthly group",
        () => edit("interval: weekly", "interval: monthly"),
        `${F}: multi-ecosystem-groups: must define exactly one group, with schedule.interval weekly`,
      ],
      [
        "some dependencies only",
        () => actions(["directory: /", "multi-ecosystem-group: weekly", 'patterns: ["actions/*"]']),
        `${F}: updates[1].patterns: must include "*"`,
      ],
      [
        "groups of its own",
        () => actions(["directory: /", "multi-ecosystem-group: weekly", 'patterns: ["*"]', "groups: { actions: { patterns: [actions/*] } }"]),
        `${F}: updates[1].groups: would split the week's updates into more pull requests`,
      ],
      [
        "no GitHub Actions",
        () => edit("package-ecosystem: github-actions", "package-ecosystem: docker"),
        `${F}: updates: has no github-actions entry for directory "/"`,
      ],
      ["the Dagger SDK on its own", () => edit('      - dependency-name: "@dagger.io/dagger"\n', ""), `${F}: updates[0].ignore: must ignore @dagger.io/dagger`],
    ]);
  });
});
