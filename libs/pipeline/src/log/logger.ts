import { Redactor } from "@image-tooling/oci-registry";
import { RetryTally } from "./retry-tally.ts";
import { formatDuration } from "@image-tooling/cli-support";

/**
 * Progress output for long work. Every line passes through redaction, so a
 * secret that reaches a message by accident (an error echoing a URL, a
 * misconfigured tool) is still never printed.
 */
export class Logger {
  private readonly secrets = new Redactor();
  /** Every retry announced through this logger, by step. */
  readonly retries = new RetryTally();
  constructor(
    private readonly out: NodeJS.WritableStream = process.stderr,
    private readonly heartbeatMs = Number(process.env.IMAGE_PIPELINE_HEARTBEAT_MS ?? 15_000),
  ) {}

  /** Registers a value that must never be printed. */
  addSecret(value: string | undefined): void {
    if (value && value.length >= 3) this.secrets.add(value);
  }

  redact(text: string): string {
    return this.secrets.redact(text);
  }

  info(message: string): void {
    this.retries.see(message);
    this.out.write(`${this.redact(message)}\n`);
  }

  /** Runs a step, printing its start, a heartbeat while it runs, and its duration. */
  async step<T>(label: string, fn: () => Promise<T>): Promise<T> {
    const t0 = Date.now();
    this.info(`▶ ${label}`);
    const timer = setInterval(() => this.info(`  … ${label} (${formatDuration(Date.now() - t0)})`), this.heartbeatMs);
    timer.unref();
    try {
      const result = await fn();
      this.info(`✔ ${label} (${formatDuration(Date.now() - t0)})`);
      return result;
    } catch (e) {
      this.info(`✘ ${label} (${formatDuration(Date.now() - t0)})`);
      throw e;
    } finally {
      clearInterval(timer);
    }
  }
}
