/**
 * One error type for every bad-input case, so that whoever reports it (the Nx
 * plugin, the pipeline CLI, a test) can name the file, image and field the
 * same way and tell the user what to do next.
 */
export interface MetadataProblem {
  /** Workspace-relative path of the file at fault. */
  file: string;
  /** Image (project) the file belongs to, when known. */
  image?: string;
  /** Dotted field path inside the file, when the problem is one field. */
  field?: string;
  message: string;
  /** What the user should do about it. */
  hint?: string;
}

export function formatProblem(p: MetadataProblem): string {
  const where = [p.file, p.image && `image "${p.image}"`, p.field && `field "${p.field}"`].filter(Boolean).join(", ");
  return `${where}: ${p.message}${p.hint ? `\n  → ${p.hint}` : ""}`;
}

export class ImageMetadataError extends Error {
  readonly problems: MetadataProblem[];

  constructor(problems: MetadataProblem[]) {
    super(problems.map(formatProblem).join("\n"));
    this.name = "ImageMetadataError";
    this.problems = problems;
  }

  get file(): string {
    return this.problems[0]!.file;
  }
}

/** A schema issue's path as a problem's field: `tools.kubectl.sha256[0]`; none for the document itself. */
export const fieldOf = (path: PropertyKey[]): string | undefined =>
  path.length
    ? path
        .map((k) => (typeof k === "number" ? `[${k}]` : String(k)))
        .join(".")
        .replace(/\.\[/g, "[")
    : undefined;
