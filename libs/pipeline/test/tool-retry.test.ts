import { describe, expect, it } from "vitest";
import { runRetrying } from "../src/attest/tool-retry.ts";
import type { ExecResult } from "@image-tooling/go-tool";

const policy = { retries: 3, maxTotalMs: 60_000, baseMs: 10, capMs: 100 };
const cut: ExecResult = {
  code: 1,
  stdout: "",
  stderr: 'Error: writing bundle: Patch "http://r/v2/x/blobs/uploads/1": read tcp 1->2: read: connection reset by peer',
};
const ok: ExecResult = { code: 0, stdout: "done", stderr: "" };

function script(results: ExecResult[]) {
  let i = 0;
  return { attempt: async () => results[Math.min(i++, results.length - 1)]!, calls: () => i };
}

describe("cosign's and syft's network faults, retried", () => {
  it("runs a command again after a cut, saying so, until it succeeds", async () => {
    const lines: string[] = [];
    const s = script([cut, cut, ok]);
    const r = await runRetrying("cosign attest --type spdxjson r/x@sha256:1", s.attempt, { policy, onRetry: (l) => lines.push(l), sleep: async () => {} });
    expect(r).toEqual({ result: ok });
    expect(s.calls()).toBe(3);
    expect(lines).toEqual([
      expect.stringMatching(/^ {2}↻ cosign attest --type spdxjson r\/x@sha256:1: connection dropped; waiting [\d.]+ m?s, then retry 1 of 3$/),
      expect.stringMatching(/then retry 2 of 3$/),
    ]);
  });

  it("does not run a write again when what the cut attempt wrote is in the registry", async () => {
    const s = script([cut, ok]);
    const r = await runRetrying("cosign sign r/x@sha256:1", s.attempt, { policy, onRetry: () => {}, sleep: async () => {} }, async () => true);
    expect(r.landed).toBe(true);
    expect(r.result.code).toBe(0);
    expect(s.calls()).toBe(1);
  });

  it("fails at once on an answer a retry cannot change, and after the bound on a link that never recovers", async () => {
    const denied = script([{ code: 1, stdout: "", stderr: "UNAUTHORIZED: authentication required" }]);
    expect((await runRetrying("cosign sign x", denied.attempt, { policy, onRetry: () => {}, sleep: async () => {} })).result.code).toBe(1);
    expect(denied.calls()).toBe(1);
    const down = script([cut]);
    const r = await runRetrying("syft scan x", down.attempt, { policy, onRetry: () => {}, sleep: async () => {} });
    expect(down.calls()).toBe(4);
    expect(r.gaveUp).toBe("connection dropped; gave up after 4 attempts (IMAGE_REGISTRY_RETRIES=3)");
  });
});
