import { Redactor } from "@image-tooling/oci-registry";
import { RetryTally } from "./retry-tally.ts";
import { formatDuration } from "@image-tooling/cli-support";

/** A running step's heartbeat interval unless IMAGE_PIPELINE_HEARTBEAT_MS says otherwise. */
export const DEFAULT_HEARTBEAT_MS = 15_000;

/**
 * IMAGE_PIPELINE_HEARTBEAT_MS: how often a running step says it is still
 * running, in milliseconds (default 15 s). A value that is not a number above
 * 0 is a usage error naming the variable, as config.ts treats its numeric
 * variables; returned as the message to print. run-cli asks, with the env
 * its edge read.
 */
export function heartbeatMs(env: Record<string, string | undefined>): number | string {
  const value = env.IMAGE_PIPELINE_HEARTBEAT_MS;
  if (!value) return DEFAULT_HEARTBEAT_MS;
  const ms = Number(value);
  if (Number.isFinite(ms) && ms > 0) return ms;
  return `environment variable IMAGE_PIPELINE_HEARTBEAT_MS is "${value}": use a number of milliseconds above 0 (default ${DEFAULT_HEARTBEAT_MS}), or unset it`;
}

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
    /** How often a running step says it is still running (run-cli reads IMAGE_PIPELINE_HEARTBEAT_MS). */
    private readonly heartbeatMs = DEFAULT_HEARTBEAT_MS,
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
