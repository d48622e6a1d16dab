/**
 * The two paths a download tool's lock entry names: `install`, where the
 * command lands in the image (absolute), and `member`, the executable's path
 * inside its archive (relative). fetch-tools joins them to its staging and
 * extraction folders, so a '..' segment (or an absolute member) would write
 * or read outside them. Pure: the lock schema checks the text as written, the
 * lint checks it again after {version} and {arch} are expanded.
 */

const segments = (path: string): string[] => path.split("/");

/** Why `path` cannot be an install path, or undefined when it can. */
export function installPathProblem(path: string): string | undefined {
  if (!path.startsWith("/")) return "must be an absolute path in the image, e.g. /usr/local/bin/<tool>";
  if (segments(path).includes("..")) return "must not contain '..': name the path in the image directly, e.g. /usr/local/bin/<tool>";
  if (path.endsWith("/")) return "must name a file, not a folder (no trailing '/')";
  return undefined;
}

/** Why `path` cannot be an archive member path, or undefined when it can. */
export function memberPathProblem(path: string): string | undefined {
  if (path.startsWith("/")) return "must be relative: the executable's path inside the archive, e.g. linux-{arch}/<tool>";
  if (segments(path).includes("..")) return "must not contain '..': a member is a path inside the archive, e.g. linux-{arch}/<tool>";
  return undefined;
}
