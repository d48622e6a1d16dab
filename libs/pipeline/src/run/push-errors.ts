/**
 * The engine pushes images itself (Dagger's `Container.publish`), so its
 * failures reach us only as text. These pure helpers read that text: is it a
 * transient registry failure worth another push, and what is the short,
 * useful part of it for the one-line error.
 */

const TRANSIENT: [RegExp, string][] = [
  [/\b429 Too Many Requests\b|toomanyrequests/i, "rate limited (HTTP 429)"],
  [/\b502 Bad Gateway\b/i, "bad gateway (HTTP 502)"],
  [/\b503 Service Unavailable\b/i, "service unavailable (HTTP 503)"],
  [/\b504 Gateway Time-?out\b/i, "gateway timeout (HTTP 504)"],
  [/connection reset by peer|broken pipe|server sent GOAWAY/i, "connection dropped"],
  // containerd reports a manifest PUT the registry refused early (a 429 among them) only as a short read.
  [/unexpected EOF|: EOF\b/i, "the registry ended the request early (unexpected EOF; the engine does not say why)"],
];

/** Why a failed push is worth retrying, or null when it is not a transient registry failure. */
export function transientPushFailure(text: string): string | null {
  for (const [re, reason] of TRANSIENT) if (re.test(text)) return reason;
  return null;
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
