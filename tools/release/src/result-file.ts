import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ResultFile } from "@image-tooling/pipeline/result-schema";

/** What release notes read: the pipeline's own result schema, as loose as a result file may be. */
export type ImageResult = ResultFile;

export class ResultFileError extends Error {}

/** Parses one result file; the error names the file and the bad field. */
export function parseResult(text: string, file: string): ImageResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ResultFileError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  const r = ResultFile.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const field = issue.path.join(".") || "(root)";
    const value = field === "image" && json && typeof json === "object" && "image" in json ? ` (is ${JSON.stringify(json.image)})` : "";
    throw new ResultFileError(`${file}: ${field}${value}: ${issue.message}`);
  }
  return r.data;
}

/** Every dist/images/<image>/result.json under `dir`, by image name. */
export function readResults(dir: string): ImageResult[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, "result.json")))
    .map((d) => {
      const file = join(dir, d.name, "result.json");
      const result = parseResult(readFileSync(file, "utf8"), file);
      if (result.image !== d.name)
        throw new ResultFileError(
          `${file}: image: is ${JSON.stringify(result.image)}, but the file is in the folder of image "${d.name}": a result file describes the image it is filed under`,
        );
      return result;
    })
    .sort((a, b) => a.image.localeCompare(b.image));
}
