/**
 * Where a JSON text stops parsing, in the words an editor uses (line and
 * column, 1-based) rather than V8's character offset, with the parser's
 * reason stripped of that offset. Pure, for every JSON file a user edits by
 * hand (an image's package.json).
 */
export interface JsonSyntaxProblem {
  line: number;
  column: number;
  /** The parser's reason, e.g. `Expected double-quoted property name`. */
  reason: string;
}

/** Parses `text`; on a syntax error, returns where and why instead of throwing. */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; problem: JsonSyntaxProblem } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return { ok: false, problem: jsonSyntaxProblem(text, (e as Error).message) };
  }
}

export function jsonSyntaxProblem(text: string, message: string): JsonSyntaxProblem {
  // V8 says "… in JSON at position N" (Node 22+ adds " (line L column C)"); the end of input has no position.
  const at = /\s+in JSON at position (\d+)/.exec(message);
  const offset = at ? Number(at[1]) : /end of JSON input/.test(message) ? text.length : 0;
  const before = text.slice(0, offset).split("\n");
  const reason = message
    .replace(/\s+in JSON at position \d+.*$/s, "")
    .replace(/,\s*"[\s\S]*" is not valid JSON$/, "")
    .trim();
  return { line: before.length, column: before.at(-1)!.length + 1, reason: reason || "not JSON" };
}
