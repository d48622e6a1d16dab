import { parseDocument } from "yaml";
import { posix } from "node:path";
import { valid as validSemver } from "semver";
import type { z } from "zod";
import { imageMetadataSchema, type ImageMetadata } from "./schema.ts";
import { fieldOf, ImageMetadataError, type MetadataProblem } from "./errors.ts";
import { dockerfileBaseProblem } from "./dockerfile-base.ts";
import { parseJson } from "./json-syntax.ts";

/** The files of one image package, as text, keyed by workspace-relative path. */
export interface ImagePackageSources {
  /** Workspace-relative package directory, e.g. packages/tooling-k8s. */
  root: string;
  metadataText: string;
  packageJsonText: string;
  /** Reads another file of the package (relative to root); null when absent. */
  readFile(relativePath: string): string | null;
}

export interface ImagePackage {
  name: string;
  root: string;
  /** The package.json version: the image version. */
  version: string;
  license?: string;
  /** package.json dependencies: a child lists its parent so changesets bumps it. */
  dependencies: Record<string, string>;
  metadata: ImageMetadata;
  /** Workspace-relative paths of the files the metadata points at. */
  files: { metadata: string; packageJson: string; dockerfile: string; smoke: string };
}

function zodProblems(file: string, image: string | undefined, error: z.ZodError): MetadataProblem[] {
  return error.issues.map((issue) => {
    if (issue.code === "unrecognized_keys") {
      return {
        file,
        image,
        field: fieldOf([...issue.path, issue.keys[0]!]),
        message: "is not a known field",
        hint: "allowed fields: name, description, platforms, base{image,digest}, parent, dockerfile, smoke, budget{compressedSize}, vulnerabilities{failOn,onlyFixed}",
      };
    }
    return { file, image, field: fieldOf(issue.path), message: issue.message };
  });
}

/**
 * Parses and validates one image package from its file contents. Pure: the
 * caller does the I/O, so every bad-input case is testable without a disk.
 * Throws ImageMetadataError naming file, image and field.
 */
export function parseImagePackage(src: ImagePackageSources): ImagePackage {
  const metadataFile = `${src.root}/image.yaml`;
  const packageJsonFile = `${src.root}/package.json`;

  const doc = parseDocument(src.metadataText, { prettyErrors: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const line = e.linePos?.[0] ? ` (line ${e.linePos[0].line})` : "";
    throw new ImageMetadataError([{ file: metadataFile, message: `is not valid YAML${line}: ${e.message.split("\n")[0]}` }]);
  }
  const raw: unknown = doc.toJS();
  const guessedName = typeof raw === "object" && raw && "name" in raw && typeof raw.name === "string" ? raw.name : undefined;

  const parsed = imageMetadataSchema.safeParse(raw ?? {});
  if (!parsed.success) throw new ImageMetadataError(zodProblems(metadataFile, guessedName, parsed.error));
  const metadata: ImageMetadata = parsed.data;
  const image = metadata.name;

  const json = parseJson(src.packageJsonText);
  if (!json.ok) {
    const { line, column, reason } = json.problem;
    throw new ImageMetadataError([
      {
        file: packageJsonFile,
        image,
        message: `is not valid JSON: line ${line}, column ${column}: ${reason}`,
        hint: `fix the JSON at line ${line}, column ${column} of ${packageJsonFile} (usually a comma too many or missing, or an unquoted name; JSON allows no comments)`,
      },
    ]);
  }
  const pkg = (json.value ?? {}) as { name?: unknown; version?: unknown; license?: unknown; dependencies?: Record<string, unknown> };

  const problems: MetadataProblem[] = [];
  if (pkg.name !== image) {
    problems.push({
      file: packageJsonFile,
      image,
      field: "name",
      message: `is ${JSON.stringify(pkg.name)} but image.yaml names the image "${image}"`,
      hint: "the package name, the Nx project name and the image name must be the same",
    });
  }
  // semver's valid() also accepts "v1.2.3" and " 1.2.3" and answers "1.2.3": the tag must be exactly the version.
  if (typeof pkg.version !== "string" || validSemver(pkg.version) !== pkg.version) {
    problems.push({
      file: packageJsonFile,
      image,
      field: "version",
      message: `is ${JSON.stringify(pkg.version)}, not a plain semver version`,
      hint: "the package version is the image version: use X.Y.Z (no v prefix, no spaces; changesets maintains it)",
    });
  }
  const folder = posix.basename(src.root);
  if (folder !== image) {
    problems.push({
      file: metadataFile,
      image,
      field: "name",
      message: `is "${image}" but the package folder is ${src.root}`,
      hint: `rename the folder to packages/${image} (or the image to "${folder}"): tools find an image's files by its name`,
    });
  }
  const dockerfileText = src.readFile(metadata.dockerfile);
  const dockerfilePath = `${src.root}/${metadata.dockerfile}`;
  if (dockerfileText === null) {
    problems.push({ file: metadataFile, image, field: "dockerfile", message: `points at ${dockerfilePath}, which does not exist` });
  } else {
    const fromProblem = dockerfileBaseProblem(dockerfileText);
    if (fromProblem) {
      const declared = metadata.parent ? `parent image "${metadata.parent}"` : `base ${metadata.base!.image}@${metadata.base!.digest}`;
      problems.push({
        file: dockerfilePath,
        image,
        field: "FROM",
        message: `${fromProblem} (image.yaml declares ${declared})`,
        hint: "start the Dockerfile with `ARG BASE_IMAGE` and `FROM ${BASE_IMAGE}`",
      });
    }
  }
  if (src.readFile(metadata.smoke) === null) {
    problems.push({
      file: metadataFile,
      image,
      field: "smoke",
      message: `points at ${src.root}/${metadata.smoke}, which does not exist`,
      hint: "add the smoke spec or fix the path",
    });
  }
  if (problems.length > 0) throw new ImageMetadataError(problems);

  return {
    name: image,
    root: src.root,
    version: pkg.version as string,
    license: typeof pkg.license === "string" ? pkg.license : undefined,
    dependencies: Object.fromEntries(Object.entries(pkg.dependencies ?? {}).map(([k, v]) => [k, String(v)])),
    metadata,
    files: { metadata: metadataFile, packageJson: packageJsonFile, dockerfile: dockerfilePath, smoke: `${src.root}/${metadata.smoke}` },
  };
}
