/**
 * Exits with `code` once everything written so far to stdout and stderr has
 * been handed to the OS. A pipe takes a large write (a JSON plan or status
 * past 64 KB) in several parts, and a bare process.exit cuts it short.
 */
export async function exitWhenFlushed(code: number): Promise<never> {
  await Promise.all([process.stdout, process.stderr].map((stream) => new Promise<void>((resolve) => stream.write("", () => resolve()))));
  process.exit(code);
}
