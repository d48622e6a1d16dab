import { DockerfileParser } from "dockerfile-ast";

/** The build argument through which the pipeline hands every image its base. */
export const BASE_IMAGE_ARG = "BASE_IMAGE";

/**
 * Why a Dockerfile does not take the base its metadata declares, or null when
 * it does. The pipeline passes the digest-pinned base (external or the parent
 * built in the same run) as BASE_IMAGE; any FROM that bypasses it would build
 * on an unpinned, undeclared image and break the image graph.
 */
export function dockerfileBaseProblem(content: string): string | null {
  const dockerfile = DockerfileParser.parse(content);
  const froms = dockerfile.getFROMs();
  if (froms.length === 0) return "has no FROM instruction";

  const initialArg = dockerfile
    .getInitialARGs()
    .map((arg) => arg.getProperty())
    .find((prop) => prop?.getName() === BASE_IMAGE_ARG);
  if (!initialArg) {
    return `must declare "ARG ${BASE_IMAGE_ARG}" before its first FROM, then use "FROM \${${BASE_IMAGE_ARG}}"`;
  }
  if (initialArg.getValue() !== null) {
    return `"ARG ${BASE_IMAGE_ARG}" must have no default value: the base comes only from image.yaml, pinned by digest`;
  }

  // Every stage must start from the base or an earlier stage, so by induction
  // every stage, the final one included, builds on the declared base.
  const stages = new Set<string>();
  for (const from of froms) {
    const image = from.getImage() ?? "";
    const takesBase = image === `\${${BASE_IMAGE_ARG}}` || image === `$${BASE_IMAGE_ARG}`;
    if (!takesBase && !stages.has(image.toLowerCase())) {
      const line = from.getRange().start.line + 1;
      return `line ${line}: "FROM ${image}" does not take the declared base; every stage must start FROM \${${BASE_IMAGE_ARG}} or an earlier stage`;
    }
    const stage = from.getBuildStage();
    if (stage) stages.add(stage.toLowerCase());
  }
  return null;
}
