import { sortFindings, type Finding } from "./findings.ts";

/**
 * What changed between two reports of an image (the previous release and
 * this one, or the attached report and a rescan). A finding is the same one
 * when its vulnerability and package are: a new installed version of a still
 * vulnerable package is "still open", not fixed and new again. Pure.
 */
export interface FindingDelta {
  fixed: Finding[];
  new: Finding[];
  stillOpen: Finding[];
}

const key = (f: Pick<Finding, "id" | "package">): string => `${f.id}|${f.package}`;

export function diffFindings(before: Finding[], after: Finding[]): FindingDelta {
  const was = new Map(before.map((f) => [key(f), f]));
  const is = new Set(after.map(key));
  return {
    fixed: sortFindings(before.filter((f) => !is.has(key(f)))),
    new: sortFindings(after.filter((f) => !was.has(key(f)))),
    stillOpen: sortFindings(after.filter((f) => was.has(key(f)))),
  };
}
