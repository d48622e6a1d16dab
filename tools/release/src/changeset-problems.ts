import type { NewChangeset } from "@changesets/types";

/**
 * Changesets version images only. One naming an internal @image-tooling/*
 * package (ignored in .changeset/config.json) or a package that does not
 * exist would never be consumed by `changeset version` and would sit in
 * .changeset/ forever, so the check refuses it up front.
 */
export function changesetProblems(changesets: NewChangeset[], images: ReadonlySet<string>): string[] {
  return changesets.flatMap((c) =>
    c.releases
      .filter((r) => !images.has(r.name))
      .map((r) => `.changeset/${c.id}.md names "${r.name}", which is not an image (images: ${[...images].sort().join(", ")}); remove that line`),
  );
}
