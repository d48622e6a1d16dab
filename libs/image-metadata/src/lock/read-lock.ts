import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fieldOf, type MetadataProblem } from "../errors.ts";
import { LOCK_FILE, TOOL_SOURCES, lockSchema, type ToolsLock } from "./schema.ts";

export interface LockResult {
  lock: ToolsLock | null;
  problems: MetadataProblem[];
}

const valueAt = (root: unknown, path: PropertyKey[]): unknown =>
  path.reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[k] : undefined), root);

/** Parses lock text; every schema violation becomes one problem naming its field. */
export function parseLock(text: string, file: string, image: string): LockResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { lock: null, problems: [{ file, image, message: `is not valid JSON: ${(e as Error).message}` }] };
  }
  const parsed = lockSchema.safeParse(raw);
  if (!parsed.success) {
    return {
      lock: null,
      problems: parsed.error.issues.flatMap((issue) => {
        if (issue.code === "unrecognized_keys") return { file, image, field: fieldOf([...issue.path, issue.keys[0]!]), message: "is not a known field" };
        // A tool matching neither shape: report the reasons of the shape its "source" asks for.
        if (issue.code === "invalid_union") {
          const source = (valueAt(raw, issue.path) as { source?: unknown } | undefined)?.source;
          const wanted = TOOL_SOURCES.indexOf(source as (typeof TOOL_SOURCES)[number]);
          const branch = issue.errors[Math.max(0, wanted)] ?? [];
          return branch.length
            ? branch.map((sub) =>
                sub.code === "unrecognized_keys"
                  ? { file, image, field: fieldOf([...issue.path, ...sub.path, sub.keys[0]!]), message: "is not a known field" }
                  : { file, image, field: fieldOf([...issue.path, ...sub.path]), message: sub.message },
              )
            : [{ file, image, field: fieldOf(issue.path), message: issue.message }];
        }
        return { file, image, field: fieldOf(issue.path), message: issue.message };
      }),
    };
  }
  return { lock: parsed.data, problems: [] };
}

/** Reads <package>/tools.lock.json; a missing lock is a problem, not an exception. */
export function readLock(workspaceRoot: string, packageRoot: string, image: string): LockResult {
  const file = `${packageRoot}/${LOCK_FILE}`;
  const abs = join(workspaceRoot, file);
  if (!existsSync(abs)) {
    return {
      lock: null,
      problems: [
        { file, image, message: "does not exist", hint: "every image pins its tools (version, https URL template, sha256 per arch) in tools.lock.json" },
      ],
    };
  }
  return parseLock(readFileSync(abs, "utf8"), file, image);
}
