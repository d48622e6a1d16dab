import { ImageMetadataError, type MetadataProblem } from "./errors.ts";
import type { ImagePackage } from "./parse.ts";

export interface ImageGraph {
  /** Images by name. */
  images: Map<string, ImagePackage>;
  /** Every image, parents before children (stable: alphabetical among peers). */
  order: string[];
  /** Direct children of each image. */
  children: Map<string, string[]>;
}

/**
 * Checks the parent links of a set of image packages and orders them.
 * `otherProjects` are workspace projects that are not images, so that naming
 * one as a parent gets its own message rather than "unknown".
 */
export function buildImageGraph(packages: readonly ImagePackage[], otherProjects: ReadonlySet<string> = new Set()): ImageGraph {
  const images = new Map(packages.map((p) => [p.name, p]));
  const problems: MetadataProblem[] = [];
  const children = new Map<string, string[]>(packages.map((p) => [p.name, []]));

  // Code-unit order, as the alphabetical order of `order` below: localeCompare goes through ICU and costs
  // tens of milliseconds per 500 images on every Nx command, for names the schema keeps to [a-z0-9-].
  for (const pkg of [...packages].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const parent = pkg.metadata.parent;
    if (!parent) continue;
    if (images.has(parent)) {
      children.get(parent)!.push(pkg.name);
      if (!(parent in pkg.dependencies)) {
        problems.push({
          file: pkg.files.packageJson,
          image: pkg.name,
          field: `dependencies.${parent}`,
          message: `is missing: image.yaml declares parent "${parent}"`,
          hint: `add "${parent}": "${images.get(parent)!.version}" to dependencies so changesets bumps this image when its parent is released`,
        });
      }
    } else if (otherProjects.has(parent)) {
      problems.push({
        file: pkg.files.metadata,
        image: pkg.name,
        field: "parent",
        message: `"${parent}" is a workspace project but not an image (it has no image.yaml)`,
        hint: "a parent must be another image package under packages/",
      });
    } else {
      const known = [...images.keys()].sort().join(", ");
      problems.push({ file: pkg.files.metadata, image: pkg.name, field: "parent", message: `names unknown image "${parent}"`, hint: `known images: ${known}` });
    }
  }
  if (problems.length > 0) throw new ImageMetadataError(problems);

  const order: string[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (name: string, path: string[]): void => {
    if (state.get(name) === "done") return;
    if (state.get(name) === "visiting") {
      const cycle = [...path.slice(path.indexOf(name)), name];
      const pkg = images.get(name)!;
      throw new ImageMetadataError([
        {
          file: pkg.files.metadata,
          image: name,
          field: "parent",
          message: `forms a cycle: ${cycle.join(" → ")}`,
          hint: "an image must not be its own ancestor; break the cycle by basing one of them on an external image",
        },
      ]);
    }
    state.set(name, "visiting");
    const parent = images.get(name)!.metadata.parent;
    if (parent) visit(parent, [...path, name]);
    state.set(name, "done");
    order.push(name);
  };
  for (const name of [...images.keys()].sort()) visit(name, []);
  return { images, order, children };
}

/**
 * The image and its ancestors, nearest first, as far as `images` holds them:
 * the one walk up image.yaml `parent` links. Callers with a partly readable
 * workspace (lint, the generator) pass what they could read, so the walk
 * stops at an unknown parent, and at a parent already met rather than loop on
 * a cycle buildImageGraph has yet to report.
 */
export function imageAndAncestors(images: ReadonlyMap<string, ImagePackage>, name: string): ImagePackage[] {
  const chain: ImagePackage[] = [];
  for (let pkg = images.get(name); pkg && !chain.includes(pkg); pkg = pkg.metadata.parent === undefined ? undefined : images.get(pkg.metadata.parent))
    chain.push(pkg);
  return chain;
}

/**
 * The nearest ancestor of `name` among the images that failed earlier in a
 * run, if any: an image is not attempted when something it builds on did not
 * make it. Which failures count is the caller's (a failed smoke test still
 * leaves a built parent to build on).
 */
export function failedAncestor(images: ReadonlyMap<string, ImagePackage>, name: string, failed: ReadonlySet<string>): string | undefined {
  return imageAndAncestors(images, name)
    .slice(1)
    .find((pkg) => failed.has(pkg.name))?.name;
}
