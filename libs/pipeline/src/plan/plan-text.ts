import type { ImageResult } from "../report/result.ts";
import { describeBase, type PlannedTag, type PublishPlan } from "./plan-publish.ts";

/** The plan as `plan` and `publish --dry-run` print it (and publish, before it builds). */
export function planLines(plan: PublishPlan, platforms: readonly string[], attestLine: string): string[] {
  return [
    `\n${plan.image} ${plan.version} → ${plan.repository}  [${platforms.join(", ")}]`,
    `  base: ${describeBase(plan.base)}`,
    ...[plan.immutable, ...plan.floating].map((step) => `  ${step.action.padEnd(6)} ${step.tag.padEnd(28)} ${step.reason}`),
    `  attest ${attestLine}`,
    ...(plan.action.kind === "build" ? [] : [`  note: ${plan.notice}`]),
  ];
}

/** The result's `tags`: each tag with what happens to it and the digest it points at (`pushed`: the digest this run pushed, when known). */
export function tagRecord(tags: PlannedTag[], pushed?: string): NonNullable<ImageResult["tags"]> {
  return Object.fromEntries(
    tags.map((step) => [step.tag, { action: step.action, reason: step.reason, digest: step.target === "pushed" ? pushed : step.target?.digest }]),
  );
}
