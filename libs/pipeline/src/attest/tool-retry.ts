import { type RetryPolicy, transientNetworkText, withRetries } from "@image-tooling/oci-registry";
import type { ExecResult } from "@image-tooling/go-tool";

/**
 * cosign and syft talk to the registry themselves; a reset, refused, cut or
 * timed-out connection fails the whole command, which we then run again under
 * the same policy as our own registry requests, announced the same way
 * (`↻ … retry 1 of N`).
 */
export interface ToolRetry {
  policy: RetryPolicy;
  /** Where each retry is announced (the run's log). */
  onRetry: (line: string) => void;
  sleep?: (ms: number) => Promise<void>;
}

export interface ToolOutcome {
  result: ExecResult;
  /** Set when the last failure was still transient: what was tried. */
  gaveUp?: string;
  /** A write whose earlier attempt turned out to have landed: not run again. */
  landed?: boolean;
}

/**
 * Runs `attempt` again while it fails with a network fault. A write that may
 * have landed before its connection was cut (a signature, an attestation)
 * passes `landed`, asked before each retry: if the registry already holds
 * what the failed attempt wrote, running it again would attach a second copy,
 * so it stops there instead.
 */
export async function runRetrying(
  what: string,
  attempt: () => Promise<ExecResult>,
  retry: ToolRetry | undefined,
  landed?: () => Promise<boolean>,
): Promise<ToolOutcome> {
  if (!retry || retry.policy.retries === 0) return { result: await attempt() };
  let attempts = 0;
  let wrote = false;
  const r = await withRetries(
    what,
    async () => {
      if (attempts++ > 0 && landed && (await landed())) {
        wrote = true;
        return { code: 0, stdout: "", stderr: "" };
      }
      return attempt();
    },
    (o) => {
      if (!o.ok || o.value.code === 0) return null;
      const reason = transientNetworkText(o.value.stderr);
      return reason ? { reason } : null;
    },
    { policy: retry.policy, onRetry: retry.onRetry, ...(retry.sleep && { sleep: retry.sleep }) },
  );
  // attempt() never throws (execTool resolves with the exit code), and neither does landed() but through our registry client's own errors.
  if (!r.outcome.ok) throw r.outcome.error;
  return { result: r.outcome.value, ...(r.gaveUp && { gaveUp: r.gaveUp }), ...(wrote ? { landed: true } : {}) };
}
