/**
 * Counts the retries a run announced, by step, for the one line at its end
 * that says which steps a flaky network cost a retry ("said out loud" once
 * per retry as it happens, and once for the run). Pure: fed the retry lines
 * the logger prints.
 */
const STEP_OF: [RegExp, string][] = [
  [/^push /, "engine push"],
  [/^build /, "engine pull of a base"],
  [/^cosign (\S+)/, "cosign $1"],
  [/^syft /, "syft scan"],
  [/^(GET|HEAD|PUT|POST|PATCH|upload) /, "registry requests"],
];

export class RetryTally {
  readonly #counts = new Map<string, number>();

  /** Takes any printed line; counts it when it announces a retry (`  ↻ <what>: …`). */
  see(line: string): void {
    const m = /^\s*↻ (.+?): /.exec(line);
    if (!m) return;
    const what = m[1]!;
    let step = what;
    for (const [re, name] of STEP_OF) {
      const hit = re.exec(what);
      if (hit) {
        step = name.replace("$1", hit[1] ?? "");
        break;
      }
    }
    this.#counts.set(step, (this.#counts.get(step) ?? 0) + 1);
  }

  /** `{ "engine push": 2, … }`. */
  counts(): Record<string, number> {
    return Object.fromEntries(this.#counts);
  }

  /** The run's line, or undefined when nothing was retried. */
  summary(): string | undefined {
    if (this.#counts.size === 0) return undefined;
    const total = [...this.#counts.values()].reduce((a, b) => a + b, 0);
    const parts = [...this.#counts].map(([step, n]) => `${step} ${n}`).join(", ");
    return `↻ retried in this run: ${parts} (${total} in all, each announced above)`;
  }
}
