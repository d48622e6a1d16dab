/**
 * Exits with `code` once everything written so far to stdout and stderr has
 * been handed to the OS. A pipe takes a large write (a JSON plan or status
 * past 64 KB) in several parts, and a bare process.exit cuts it short.
 */
export async function exitWhenFlushed(code: number): Promise<never> {
  await Promise.all([process.stdout, process.stderr].map((stream) => new Promise<void>((resolve) => stream.write("", () => resolve()))));
  process.exit(code);
}

export interface CliFailure {
  /** Exit code when main throws (default 1; a checker whose findings exit 1 uses 2 for "could not check"). */
  failureCode?: number;
  /** Prints a known error its own way and returns the exit code, or undefined to leave it to the one-line default. */
  onError?: (error: unknown) => number | undefined;
}

/**
 * Every CLI's last line: run `main`, exit with its code after the output
 * drained. A throw becomes one line naming the CLI and the reason, never a
 * stack trace: errors meant for users already say what to do.
 */
export function runMain(name: string, main: () => number | Promise<number>, failure: CliFailure = {}): void {
  new Promise<number>((resolve) => resolve(main())).then(
    (code) => exitWhenFlushed(code),
    (error: unknown) => {
      const handled = failure.onError?.(error);
      if (handled === undefined) process.stderr.write(`${name}: ${error instanceof Error ? error.message : String(error)}\n`);
      return exitWhenFlushed(handled ?? failure.failureCode ?? 1);
    },
  );
}
