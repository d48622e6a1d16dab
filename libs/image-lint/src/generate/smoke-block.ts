import { escapeRegex, versionRegex } from "@image-tooling/image-metadata";
import { isDebianTool, parseDebianPackage } from "@image-tooling/image-metadata";
import type { ImageContext } from "./context.ts";

/**
 * One smoke check per pinned tool of this image: the tool runs and reports
 * its pinned version. Matched against stdout and stderr together, because
 * some tools print their version on stderr. A Debian tool also gets a check
 * of the exact package version, since its output shows only the upstream
 * part. JSON scalars are valid YAML.
 */
export function renderSmokeBlock(ctx: ImageContext): string {
  return (
    Object.entries(ctx.lock.tools)
      .flatMap(([name, t]) => {
        const checks = [
          [
            `- name: ${JSON.stringify(`${name} reports its pinned version ${t.version}`)}`,
            `  run: [${t.versionCommand.map((a) => JSON.stringify(a)).join(", ")}]`,
            `  output: ${JSON.stringify(versionRegex(t.versionPattern, t.version))}`,
          ].join("\n"),
        ];
        if (!isDebianTool(t)) return checks;
        // The lock rules require the pin; without it there is nothing exact to check.
        const pin = ctx.lock.debian.packages.map(parseDebianPackage).find((d) => d.name === t.package)?.version;
        if (pin) {
          checks.push(
            [
              `- name: ${JSON.stringify(`${t.package} is installed at its pinned Debian version ${pin}`)}`,
              `  run: ["dpkg-query", "--show", "--showformat", "\${Version}", ${JSON.stringify(t.package)}]`,
              `  stdout: ${JSON.stringify(`^${escapeRegex(pin)}$`)}`,
            ].join("\n"),
          );
        }
        return checks;
      })
      .join("\n") + "\n"
  );
}
