import { versionRegex } from "../lock/expand.ts";
import type { ImageContext } from "./context.ts";

/**
 * One smoke check per pinned tool of this image: the tool runs and reports
 * its pinned version. Matched against stdout and stderr together, because
 * some tools print their version on stderr. JSON scalars are valid YAML.
 */
export function renderSmokeBlock(ctx: ImageContext): string {
  return Object.entries(ctx.lock.tools)
    .map(([name, t]) =>
      [
        `- name: ${JSON.stringify(`${name} reports its pinned version ${t.version}`)}`,
        `  run: [${t.versionCommand.map((a) => JSON.stringify(a)).join(", ")}]`,
        `  output: ${JSON.stringify(versionRegex(t.versionPattern, t.version))}`,
      ].join("\n"),
    )
    .join("\n") + "\n";
}
