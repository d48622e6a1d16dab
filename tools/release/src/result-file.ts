import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { IMAGE_NAME_RULE, isImageName } from "@image-tooling/image-metadata";
import { z } from "zod";

/**
 * The part of the pipeline's dist/images/<image>/result.json that release
 * notes use. Loose on purpose: the pipeline may add fields, and its status and
 * tag-action vocabularies may grow; notes print what they do not know verbatim.
 */
const Tag = z.looseObject({ action: z.string(), digest: z.string().optional(), reason: z.string().optional() });

export const ImageResult = z.looseObject({
  // Becomes a file path (packages/<image>/CHANGELOG.md, <out>/<image>.md): the same rule as image.yaml's name.
  image: z.string().refine(isImageName, { message: `${IMAGE_NAME_RULE} (an image name from image.yaml); it is used in file paths` }),
  version: z.string().min(1),
  command: z.string().optional(),
  channel: z.string().optional(),
  status: z.string().min(1),
  repository: z.string().optional(),
  digest: z.string().optional(),
  platforms: z.record(z.string(), z.string()).optional(),
  sizes: z.record(z.string(), z.number()).optional(),
  tags: z.record(z.string(), Tag).optional(),
  notice: z.string().optional(),
  error: z.string().optional(),
  attestations: z
    .looseObject({
      status: z.string(),
      signature: z.string().optional(),
      sbom: z.record(z.string(), z.string()).optional(),
      provenance: z.string().optional(),
      error: z.string().optional(),
    })
    .optional(),
});
export type ImageResult = z.infer<typeof ImageResult>;

export class ResultFileError extends Error {}

/** Parses one result file; the error names the file and the bad field. */
export function parseResult(text: string, file: string): ImageResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ResultFileError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  const r = ImageResult.safeParse(json);
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
