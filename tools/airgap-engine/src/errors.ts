/**
 * An error the user can act on: what went wrong, and what to do about it.
 * The CLI prints these without a stack trace.
 */
export class HarnessError extends Error {
  override name = "HarnessError";
  constructor(
    message: string,
    readonly fix: string,
    readonly logFile?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export function formatHarnessError(err: HarnessError, logTail?: string): string {
  const lines = [`✗ ${err.message}`, `  → ${err.fix}`];
  if (err.logFile) lines.push(`  log: ${err.logFile}`);
  if (logTail) {
    lines.push("  last lines of the log:");
    for (const l of logTail.split("\n")) lines.push(`    ${l}`);
  }
  return lines.join("\n");
}
