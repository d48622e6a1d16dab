import { writeFileSync } from "node:fs";
import { imageMetadataJsonSchema } from "../src/json-schema.ts";

const target = new URL("../image.schema.json", import.meta.url);
writeFileSync(target, `${JSON.stringify(imageMetadataJsonSchema(), null, 2)}\n`);
console.log(`wrote ${target.pathname}`);
