import { readFileSync } from "node:fs";

/** Reads a file as text by absolute path; null when it does not exist. */
export type TextReader = (absolutePath: string) => string | null;

/** One read per file: a missing file is an answer, not an error. */
export const readTextOrNull: TextReader = (path) => {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT" || (e as NodeJS.ErrnoException).code === "ENOTDIR") return null;
    throw e;
  }
};
