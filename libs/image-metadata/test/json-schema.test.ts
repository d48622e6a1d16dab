import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { imageMetadataJsonSchema } from "../src/json-schema.ts";

it("the committed image.schema.json matches the zod schema (regenerate: npx tsx libs/image-metadata/scripts/write-json-schema.ts)", () => {
  const committed = JSON.parse(readFileSync(new URL("../image.schema.json", import.meta.url), "utf8"));
  expect(committed).toEqual(imageMetadataJsonSchema());
  expect(committed.required).toEqual(expect.arrayContaining(["name", "description", "platforms"]));
});
