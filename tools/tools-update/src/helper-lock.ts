import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ImageMetadataError } from "@image-tooling/image-metadata";
import { HELPER_LOCK_FILE, type HelperLock, parseHelperLock } from "@image-tooling/pipeline/helper-lock";

/**
 * The pipeline's helper-binary lock (cosign, syft, grype) as the updater sees
 * it: kept current with the same update sources, checksum verification and
 * lock rewriting as the images' tools, but no image releases with it, so
 * there is no changeset and no generated doc. Its row in the table and its
 * heading in the summary say "pipeline-helpers".
 */
export const HELPERS = "pipeline-helpers";

export interface HelperInput {
  file: string;
  text: string;
  lock: HelperLock;
}

/** The lock, or nothing when the workspace has none (a fixture workspace); a broken lock is an error naming its field. */
export function readHelperInput(root: string): { input: HelperInput | null; errors: string[] } {
  const abs = join(root, HELPER_LOCK_FILE);
  if (!existsSync(abs)) return { input: null, errors: [] };
  const text = readFileSync(abs, "utf8");
  try {
    return { input: { file: HELPER_LOCK_FILE, text, lock: parseHelperLock(text) }, errors: [] };
  } catch (e) {
    if (e instanceof ImageMetadataError) return { input: null, errors: [e.message] };
    throw e;
  }
}
