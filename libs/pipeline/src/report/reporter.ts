import type { Logger } from "../log/logger.ts";
import { redactDeep } from "./redact.ts";
import { ResultPathError, summaryTable, writeResult, writeStepSummary, type ImageResult } from "./result.ts";

/**
 * Where a run's results go: each image's result file as soon as it is done,
 * then the summary table and the GitHub step summary. Every result is
 * redacted once, on its raw strings, before any of them is written, so
 * result.json, the step summary, the table and the Nx report all come from
 * the same redacted value.
 */
export class RunReporter {
  readonly #done: ImageResult[] = [];

  constructor(
    private readonly root: string,
    private readonly log: Logger,
    private readonly onImage: (result: ImageResult) => void = () => {},
  ) {}

  /** Redacts, records and writes each result; returns them redacted. */
  complete(results: ImageResult[]): ImageResult[] {
    const safe = results.map((r) => redactDeep(r, (text) => this.log.redact(text)));
    for (const r of safe) {
      this.#done.push(r);
      try {
        writeResult(this.root, r);
      } catch (e) {
        // A name from the command line that is no image: said once, and the run's status already says it failed.
        if (!(e instanceof ResultPathError)) throw e;
        this.log.info(e.message);
      }
      this.onImage(r);
    }
    return safe;
  }

  /** Every result completed so far, redacted. */
  get results(): readonly ImageResult[] {
    return this.#done;
  }

  /** The summary table on the log and, under GitHub Actions, the step summary. */
  finish(env: Record<string, string | undefined>): void {
    if (this.#done.length === 0) return;
    this.log.info(`\n${summaryTable(this.#done)}`);
    writeStepSummary(this.#done, env);
  }
}
