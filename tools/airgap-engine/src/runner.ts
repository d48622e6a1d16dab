import { HarnessError } from "./errors.ts";
import { say } from "./exec.ts";
import type { StepTiming } from "./report.ts";
import { formatDuration } from "@image-tooling/cli-support";

export interface StepResult {
  /** Nothing had to be done: the cache or the running state already matched. */
  cached: boolean;
  detail?: string;
}

export interface Step {
  id: string;
  title: string;
  run: () => Promise<StepResult>;
}

/** Runs steps and records how long each took; the table is printed at the end. */
export class StepRunner {
  readonly timings: StepTiming[] = [];

  async step(step: Step): Promise<StepResult> {
    const started = Date.now();
    say(`▶ ${step.title}`);
    try {
      const result = await step.run();
      const ms = Date.now() - started;
      this.timings.push({ step: step.id, outcome: result.cached ? "cached" : "done", ms, detail: result.detail });
      say(`✓ ${step.title} — ${result.cached ? "cached" : "done"} in ${formatDuration(ms)}${result.detail ? ` (${result.detail})` : ""}`);
      return result;
    } catch (err) {
      const ms = Date.now() - started;
      this.timings.push({ step: step.id, outcome: "failed", ms, detail: err instanceof HarnessError ? err.message.split("\n")[0] : String(err) });
      say(`✗ ${step.title} — failed after ${formatDuration(ms)}`);
      throw err;
    }
  }

  async sequence(steps: readonly Step[]): Promise<void> {
    for (const s of steps) await this.step(s);
  }

  /**
   * Runs independent lanes side by side (e.g. the Go build, which is CPU
   * bound, next to debootstrap, which mostly waits on the network and disk).
   * Every lane finishes or fails before the first error is rethrown, so no
   * half-written cache entry is left behind by an abandoned lane.
   */
  async parallel(lanes: readonly (readonly Step[])[]): Promise<void> {
    const results = await Promise.allSettled(lanes.map((lane) => this.sequence(lane)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason;
  }
}
