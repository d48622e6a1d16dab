/**
 * The image generator as Nx loads it: generator/image.cjs hands over where
 * its templates are, and this bundle (compiled like the plugin, entry
 * "nx-generator") does the rest. Nothing here is loaded by the graph plugin.
 */
import type { GeneratorCallback, Tree } from "@nx/devkit";
import { anonymousRegistry } from "@image-tooling/oci-registry";
import { imageGenerator } from "./image-generator.ts";
import type { ImageGeneratorSchema } from "./options.ts";

export function createImageGenerator(templates: string): (tree: Tree, schema: ImageGeneratorSchema) => Promise<GeneratorCallback> {
  return (tree, schema) => imageGenerator(tree, schema, { templates, registryFor: anonymousRegistry });
}
