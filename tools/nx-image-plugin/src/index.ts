import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import type { CreateDependencies, CreateNodes, RawProjectGraphDependency } from "@nx/devkit";
// From nx itself, which has them loaded already: @nx/devkit's front door costs ~100 ms of module loading on every command.
import { DependencyType } from "nx/src/config/project-graph";
import { createNodesFromFiles } from "nx/src/project-graph/plugins/utils";
import { readTextOrNull } from "@image-tooling/image-metadata/read-text";
import type { ImagePackage } from "@image-tooling/image-metadata";
// The graph and inputs rules only: the parser and its schema library load when a package is not cached (package-cache.ts).
import { buildImageGraph } from "@image-tooling/image-metadata/graph";
import { nxImageInputs } from "@image-tooling/image-metadata/inputs";
import { readImagePackageCached, savePackageStore } from "./package-cache.ts";
import { imageTargets, PIPELINE_PROJECT } from "./targets.ts";

export const name = "image-tooling/images";

/** Infers an image project (targets, inputs) from each packages/<image>/image.yaml. */
export const createNodes: CreateNodes = [
  "packages/*/image.yaml",
  async (files, _options, context) => {
    const results = await createNodesFromFiles(
      async (file, _o, ctx) => {
        const root = dirname(file);
        const pkg = await readImagePackageCached(ctx.workspaceRoot, root);
        const dockerignore = readTextOrNull(join(ctx.workspaceRoot, root, ".dockerignore"));
        return {
          projects: {
            [root]: {
              name: pkg.name,
              projectType: "application",
              tags: ["type:image", pkg.metadata.parent ? `parent:${pkg.metadata.parent}` : "base:external"],
              // image: what build and publish depend on; smoke: that plus the smoke spec and the image's accepted
              // vulnerabilities (vex.openvex.json: a gate input, not part of the image).
              namedInputs: { image: nxImageInputs(dockerignore), smoke: nxImageInputs(dockerignore, { include: [pkg.metadata.smoke, "vex.openvex.json"] }) },
              targets: imageTargets(pkg.name),
              metadata: { description: pkg.metadata.description },
            },
          },
        };
      },
      files,
      _options,
      context,
    );
    savePackageStore(context.workspaceRoot);
    return results;
  },
];

/**
 * child → parent from image.yaml, and image → pipeline lib: the lib decides
 * how every image is built and labelled, so changing it must rebuild them all.
 * The whole-graph checks (unknown parent, cycle, parent not an image) run here
 * because only here are all projects known.
 */
export const createDependencies: CreateDependencies = async (_options, context) => {
  const imageRoots = Object.values(context.projects)
    .map((p) => p.root)
    .filter((root) => existsSync(join(context.workspaceRoot, root, "image.yaml")));
  const packages: ImagePackage[] = await Promise.all(imageRoots.map((root) => readImagePackageCached(context.workspaceRoot, root)));
  savePackageStore(context.workspaceRoot);
  const imageNames = new Set(packages.map((p) => p.name));
  const otherProjects = new Set(Object.keys(context.projects).filter((n) => !imageNames.has(n)));
  buildImageGraph(packages, otherProjects);

  const deps: RawProjectGraphDependency[] = [];
  for (const pkg of packages) {
    if (pkg.metadata.parent) {
      deps.push({ source: pkg.name, target: pkg.metadata.parent, type: DependencyType.static, sourceFile: pkg.files.metadata });
    }
    if (context.projects[PIPELINE_PROJECT]) {
      deps.push({ source: pkg.name, target: PIPELINE_PROJECT, type: DependencyType.implicit });
    }
  }
  return deps;
};
