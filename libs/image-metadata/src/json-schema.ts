import { z } from "zod";
import { imageMetadataSchema } from "./schema.ts";

/**
 * JSON Schema of image.yaml for editors (yaml-language-server reads the
 * `$schema` comment at the top of each file). Generated from the zod schema so
 * the two cannot drift; a unit test compares it with the committed file.
 */
export function imageMetadataJsonSchema(): object {
  return {
    ...z.toJSONSchema(imageMetadataSchema, { io: "input", unrepresentable: "any" }),
    $id: "https://image-tooling.dev/schemas/image.schema.json",
    title: "image.yaml: one image package's metadata",
    description: "Exactly one of base (an external image pinned by digest) or parent (another image package) is required.",
  };
}
