import { transientNetworkText } from "@image-tooling/oci-registry";

/**
 * The engine pushes images itself (Dagger's `Container.publish`), so its
 * failures reach us only as text. These pure helpers read that text: is it a
 * transient registry failure worth another push, and what is the short,
 * useful part of it for the one-line error.
 */

/** Why a failed push is worth retrying, or null when it is not a transient registry or network failure. */
export function transientPushFailure(text: string): string | null {
  return transientNetworkText(text);
}

/**
 * The first lines of an engine error, each at most `width` characters: the
 * engine's own messages can carry multi-kilobyte lines (IDs of every
 * operation), which say nothing to a user.
 */
export function engineErrorSummary(e: unknown, lines = 3, width = 300): string {
  const text = e instanceof Error ? e.message : String(e);
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(0, lines)
    .map((l) => (l.length > width ? `${l.slice(0, width)}…` : l))
    .join("\n");
}
