/**
 * A copy of `value` with `redact` applied to every string in it, object keys
 * included. Run on the raw values before anything serialises them: once a
 * secret holding a quote, a backslash or a newline has been JSON-escaped (or
 * cut at a line break for a summary), matching its raw text no longer finds it.
 */
export function redactDeep<T>(value: T, redact: (text: string) => string): T {
  return walk(value, redact) as T;
}

function walk(value: unknown, redact: (text: string) => string): unknown {
  if (typeof value === "string") return redact(value);
  if (Array.isArray(value)) return value.map((v) => walk(v, redact));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [redact(k), walk(v, redact)]));
  }
  return value;
}
