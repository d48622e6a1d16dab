import type { ComprehensiveRelease, NewChangeset } from "@changesets/types";

/** One affected image, as the check sees it. */
export interface AffectedImage {
  image: string;
  /** Changed files inside the image's own package directory (workspace-relative). */
  ownChanges: string[];
  /** Its version at the merge base; undefined for an image this change adds. */
  baseVersion: string | undefined;
  version: string;
  /** Image packages it depends on (its parent), from package.json dependencies. */
  parents: string[];
}

export type Verdict =
  | { image: string; status: "covered"; reason: string }
  | { image: string; status: "waived"; reason: string }
  | { image: string; status: "missing"; reason: string; via: Via };

/** How a missing image was reached: the fix differs. */
export type Via = { kind: "own" } | { kind: "parent"; parents: string[] } | { kind: "shared" };

const file = (id: string): string => `.changeset/${id}.md`;

/**
 * Decides, per affected image, whether this change releases it.
 *
 * Children: an image affected only through its parent is covered by the
 * parent's changeset, because changesets patch-bumps it (exact-version
 * dependency + updateInternalDependencies) and the rebuilt child deserves that
 * version. An image whose own files changed needs a changeset that names it:
 * the automatic "Updated dependencies" patch would not describe its change.
 *
 * An empty changeset (`npx changeset --empty`) is the author saying "no image
 * release needed"; it waives whatever is left, and the report names what it
 * waived so a reviewer sees it.
 */
export function judge(images: AffectedImage[], changesets: NewChangeset[], releases: ComprehensiveRelease[]): Verdict[] {
  const released = new Map(releases.map((r) => [r.name, r]));
  const affected = new Set(images.map((i) => i.image));
  const empty = changesets.filter((c) => c.releases.length === 0);
  return images.map((img): Verdict => {
    const { image } = img;
    if (img.baseVersion === undefined) return { image, status: "covered", reason: `new image, first release ${img.version}` };
    if (img.baseVersion !== img.version) return { image, status: "covered", reason: `version ${img.baseVersion} → ${img.version} in this change` };

    const naming = changesets.filter((c) => c.releases.some((r) => r.name === image));
    const explicit = naming.filter((c) => c.releases.some((r) => r.name === image && r.type !== "none"));
    const release = released.get(image);
    if (explicit.length > 0 && release) {
      return { image, status: "covered", reason: `${release.type} → ${release.newVersion} (${explicit.map((c) => file(c.id)).join(", ")})` };
    }
    if (naming.length > 0 && explicit.length === 0) {
      return { image, status: "waived", reason: `bump "none" in ${naming.map((c) => file(c.id)).join(", ")}` };
    }
    const bumpedParents = img.parents.filter((p) => released.has(p));
    if (release && img.ownChanges.length === 0) {
      return {
        image,
        status: "covered",
        reason: `${release.type} → ${release.newVersion} as a dependent of ${bumpedParents.join(", ") || "a released package"}`,
      };
    }
    if (empty.length > 0) {
      return { image, status: "waived", reason: `no release needed, says ${empty.map((c) => file(c.id)).join(", ")}` };
    }
    return { image, status: "missing", ...missing(img, affected, bumpedParents) };
  });
}

function missing(img: AffectedImage, affected: Set<string>, bumpedParents: string[]): { reason: string; via: Via } {
  if (img.ownChanges.length > 0) {
    const shown = img.ownChanges.slice(0, 5).join(", ") + (img.ownChanges.length > 5 ? `, … (${img.ownChanges.length} files)` : "");
    const viaParent = bumpedParents.length ? ` (the patch it gets from ${bumpedParents.join(", ")}'s changeset does not describe its own change)` : "";
    return { reason: `its files changed: ${shown}${viaParent}`, via: { kind: "own" } };
  }
  const parents = img.parents.filter((p) => affected.has(p));
  if (parents.length > 0) return { reason: `affected through its parent ${parents.join(", ")}`, via: { kind: "parent", parents } };
  return { reason: "affected through a shared input (the pipeline lib, the Nx plugin or a workspace config)", via: { kind: "shared" } };
}
