import { join } from "node:path";
import { formatFiles, type GeneratorCallback, generateFiles, logger, type Tree } from "@nx/devkit";
import { type ImagePackage, imageAndAncestors, SUPPORTED_PLATFORMS } from "@image-tooling/image-metadata";
import { type ImageContext, planGeneratedFiles, readDocsConfig } from "@image-tooling/image-lint";
import type { RegistryFor } from "@image-tooling/oci-registry";
import { pinBase } from "./base-digest.ts";
import { GeneratorInputError, type ImageGeneratorSchema, type ImageOptions, normalizeOptions } from "./options.ts";
import { addToPackageLock, type NewPackage, writeFirstChangeset, writePackageJson } from "./package-files.ts";
import { readTreeImagePackage, readTreeImages, readTreeLock } from "./tree-images.ts";

export interface GeneratorDeps {
  /** generator/files: one template folder per kind of image (child, root). */
  templates: string;
  /** How `--base` reaches a registry. */
  registryFor: RegistryFor;
}

/** The script the generated Dockerfile's fetch stage runs; a parent chain without it cannot build a child's tools. */
const FETCH_TOOLS = "rootfs/usr/local/libexec/toolbox/fetch-tools";

const EMPTY_LOCK_COMMENT =
  "Pinned tools of this image: the Dockerfile's fetch stage reads this file (fetch-tools), downloads each url for TARGETARCH over HTTPS and checks its sha256 before installing. Edit here, then run `npm run image-docs` to refresh the README, the Dockerfile label, the smoke version checks and the toolbox data. `npm run tools:update` moves versions and hashes from each tool's update source.";

/**
 * `nx g @image-tooling/nx-image-plugin:image <name> --parent <image> | --base <ref>`:
 * a complete image package in packages/<name>, lint-clean and in the image
 * graph at once. Everything is written to Nx's Tree, so `--dry-run` lists it
 * and a failure leaves the workspace untouched.
 */
export async function imageGenerator(tree: Tree, schema: ImageGeneratorSchema, deps: GeneratorDeps): Promise<GeneratorCallback> {
  const opts = normalizeOptions(schema);
  const root = `packages/${opts.name}`;
  const images = readTreeImages(tree);
  if (tree.exists(root) || images.has(opts.name)) {
    throw new GeneratorInputError(`${root} already exists (or another package is named ${opts.name}): choose another name, or edit that package`);
  }

  const from = opts.kind === "child" ? childOf(tree, images, opts) : await rootOn(deps.registryFor, opts);
  const pkg: NewPackage = { name: opts.name, description: opts.description, ...(from.parent ? { parent: from.parent } : {}) };

  generateFiles(tree, join(deps.templates, opts.kind), root, { ...from.substitutions, name: opts.name, description: opts.description, dot: "." });
  writePackageJson(tree, root, pkg);
  tree.write(
    `${root}/tools.lock.json`,
    `${JSON.stringify({ $comment: EMPTY_LOCK_COMMENT, image: opts.name, tools: {}, debian: { packages: [], commands: {} } }, null, 2)}\n`,
  );
  addToPackageLock(tree, root, pkg);
  const changeset = writeFirstChangeset(tree, pkg);
  writeGeneratedParts(tree, root, from.chain);
  await formatFiles(tree);

  return () => {
    logger.info(
      [
        "",
        `${root} is ready, and ${changeset} releases it as 0.1.0. Next:`,
        `  pin its tools in ${root}/tools.lock.json, then npm run image-docs`,
        `  npx nx run ${opts.name}:lint`,
        `  npx nx run ${opts.name}:smoke        # builds ${from.parent ? `${from.parent.name} and ` : ""}${opts.name} and runs smoke.yaml`,
      ].join("\n"),
    );
  };
}

interface Origin {
  parent?: { name: string; version: string };
  /** The parent chain, nearest first (empty on an external base). */
  chain: ImagePackage[];
  substitutions: Record<string, unknown>;
}

function childOf(tree: Tree, images: Map<string, ImagePackage>, opts: Extract<ImageOptions, { kind: "child" }>): Origin {
  const parent = images.get(opts.parent);
  if (!parent) {
    throw new GeneratorInputError(
      `--parent "${opts.parent}" is not an image package of this workspace (a packages/*/image.yaml): choose one of ${[...images.keys()].join(", ") || "(none yet: use --base)"}`,
    );
  }
  const chain = imageAndAncestors(images, parent.name);
  if (!chain.some((p) => tree.exists(`${p.root}/${FETCH_TOOLS}`))) {
    throw new GeneratorInputError(
      `--parent "${parent.name}" does not carry fetch-tools (${FETCH_TOOLS}, from toolbox-base), which the new Dockerfile's fetch stage runs: build on toolbox-base or one of its children`,
    );
  }
  return { parent: { name: parent.name, version: parent.version }, chain, substitutions: { parent: parent.name, platforms: parent.metadata.platforms } };
}

async function rootOn(registryFor: RegistryFor, opts: Extract<ImageOptions, { kind: "root" }>): Promise<Origin> {
  const base = await pinBase(registryFor, opts.base);
  return { chain: [], substitutions: { baseImage: base.image, baseDigest: base.digest, platforms: [...SUPPORTED_PLATFORMS] } };
}

/**
 * The README blocks, Dockerfile label, smoke version checks and toolbox data,
 * made by the same code as `npm run image-docs`, so lint finds them current.
 */
function writeGeneratedParts(tree: Tree, root: string, chain: ImagePackage[]): void {
  const pkg = readTreeImagePackage(tree, root);
  const ancestors = chain.map((p) => {
    const lock = readTreeLock(tree, p);
    if (!lock) throw new GeneratorInputError(`${p.root}/tools.lock.json is missing or invalid: run npx nx run ${p.name}:lint and fix it first`);
    return { pkg: p, lock };
  });
  const ctx: ImageContext = { pkg, lock: readTreeLock(tree, pkg)!, ancestors, config: readDocsConfig(tree.root) };
  const plan = planGeneratedFiles(tree.root, ctx, (path) => (tree.exists(path) ? tree.read(path, "utf8") : null));
  if (plan.problems.length) throw new Error(`the image templates lack generated blocks: ${plan.problems.map((p) => `${p.file}: ${p.message}`).join("; ")}`);
  for (const file of plan.files) tree.write(file.path, file.content);
}
