import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

/**
 * Registry tests need real binaries; when one is missing they must fail and
 * say how to get it, not skip (a skipped registry test is a silent hole in CI).
 */
export function requireBinary(binary: string, debianPackage: string): string {
  for (const dir of (process.env.PATH ?? "").split(delimiter).filter(Boolean)) {
    const candidate = join(dir, binary);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  throw new Error(
    `${binary} is not installed: registry tests need it. Run \`npm run harness -- provision\`, or \`apt-get install ${debianPackage}\` on Debian.`,
  );
}
