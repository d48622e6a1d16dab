import { IMAGE_NAME_RULE, isImageName } from "@image-tooling/image-metadata";

/** What `nx g @image-tooling/nx-image-plugin:image` accepts (generator/schema.json). */
export interface ImageGeneratorSchema {
  name?: string;
  parent?: string;
  base?: string;
  description?: string;
}

/** The options, checked: exactly one of parent and base. */
export type ImageOptions = { name: string; description: string } & ({ kind: "child"; parent: string } | { kind: "root"; base: string });

/**
 * A mistake in what the user asked for. Nx prints an error's message as its
 * title and offers the stack trace only when there is one: a wrong option is
 * no bug, so it carries none.
 */
export class GeneratorInputError extends Error {
  override name = "GeneratorInputError";
  constructor(message: string) {
    super(message);
    this.stack = "";
  }
}

const USAGE = "npx nx g @image-tooling/nx-image-plugin:image <name> --parent <image> (or --base <registry/repository:tag>)";

/** Checks the options before anything is read or written; one error naming the option and what to do. */
export function normalizeOptions(raw: ImageGeneratorSchema): ImageOptions {
  const name = raw.name?.trim() ?? "";
  if (!name) throw new GeneratorInputError(`name the new image: ${USAGE}`);
  if (!isImageName(name)) {
    throw new GeneratorInputError(
      `image name "${name}" ${IMAGE_NAME_RULE} (it becomes packages/${name.replaceAll("/", "-")}, the Nx project and the image repository): e.g. tooling-terraform`,
    );
  }
  // One line: it goes into a Dockerfile comment and the README's first paragraph as well as image.yaml.
  const description = (raw.description ?? "").replace(/\s+/g, " ").trim();
  const parent = raw.parent?.trim();
  const base = raw.base?.trim();
  if (parent && base) {
    throw new GeneratorInputError(
      `give either --parent (an image package of this workspace, built from the same commit) or --base (an external image, pinned by digest), not both`,
    );
  }
  if (parent) return { kind: "child", name, parent, description: description || `${parent} plus the tools of ${name}` };
  if (base) return { kind: "root", name, base, description: description || `${name}: tools on ${base}` };
  throw new GeneratorInputError(
    `say what ${name} builds on: --parent <image> (an image package, e.g. toolbox-base) or --base <registry/repository:tag>; ${USAGE}`,
  );
}
