import { parseDocument } from "yaml";
import { type DependabotConfig, dependabotConfigSchema } from "./dependabot-schema.ts";

export const DEPENDABOT_FILE = ".github/dependabot.yml";

/** The SDK that moves only together with the harness engine and buildx's Dagger CLI (dagger-pins.ts). */
export const DAGGER_SDK = "@dagger.io/dagger";

const at = (path: PropertyKey[]): string =>
  path
    .map((k) => (typeof k === "number" ? `[${k}]` : `.${String(k)}`))
    .join("")
    .replace(/^\./, "");

/**
 * Problems with .github/dependabot.yml, each naming the file and field; none
 * when Dependabot would accept it and it does what this repository needs:
 * the npm packages and the SHA-pinned actions, every update of a week in one
 * pull request (one weekly multi-ecosystem group that every entry joins with
 * every dependency), the Dagger SDK left to its own deliberate change.
 */
export function checkDependabotConfig(text: string, file = DEPENDABOT_FILE): string[] {
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length) return [`${file}: is not valid YAML: ${doc.errors[0]!.message.split("\n")[0]}`];
  const parsed = dependabotConfigSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    return parsed.error.issues.map((issue) => {
      const path = issue.code === "unrecognized_keys" ? [...issue.path, issue.keys[0]!] : issue.path;
      return `${file}: ${at(path) || "(top level)"}: ${issue.code === "unrecognized_keys" ? "is not a Dependabot option" : issue.message}`;
    });
  }
  return repositoryRules(parsed.data).map((p) => `${file}: ${p}`);
}

function repositoryRules(config: DependabotConfig): string[] {
  const problems: string[] = [];
  const groups = Object.entries(config["multi-ecosystem-groups"] ?? {});
  const weekly = groups.filter(([, g]) => g.schedule.interval === "weekly");
  if (groups.length !== 1 || weekly.length !== 1) {
    problems.push("multi-ecosystem-groups: must define exactly one group, with schedule.interval weekly: a week's updates are one pull request");
  }
  const group = weekly[0]?.[0];
  for (const ecosystem of ["npm", "github-actions"]) {
    if (!config.updates.some((u) => u["package-ecosystem"] === ecosystem && u.directory === "/"))
      problems.push(`updates: has no ${ecosystem} entry for directory "/"`);
  }
  config.updates.forEach((u, i) => {
    if (group && u["multi-ecosystem-group"] !== group)
      problems.push(`updates[${i}].multi-ecosystem-group: must be "${group}", so its updates join the weekly pull request`);
    if (!u.patterns?.includes("*")) problems.push(`updates[${i}].patterns: must include "*": every dependency goes into the weekly pull request`);
    if (u.groups) problems.push(`updates[${i}].groups: would split the week's updates into more pull requests`);
    if (u["package-ecosystem"] === "npm" && !u.ignore?.some((x) => x["dependency-name"] === DAGGER_SDK && !x["update-types"] && !x.versions))
      problems.push(`updates[${i}].ignore: must ignore ${DAGGER_SDK}, which moves with the harness engine and buildx's Dagger CLI (README)`);
  });
  return problems;
}
