import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { DEFAULT_HEARTBEAT_MS, heartbeatMs, Logger } from "../src/log/logger.ts";

function capture(heartbeatMs = 60_000) {
  let text = "";
  const out = new Writable({
    write: (chunk, _enc, done) => {
      text += String(chunk);
      done();
    },
  });
  return { log: new Logger(out, heartbeatMs), text: () => text };
}

describe("Logger", () => {
  it("redacts registered secrets from every line, including failed steps", async () => {
    const { log, text } = capture();
    log.addSecret("hunter2-token");
    log.info("login with hunter2-token failed");
    await expect(log.step("push as ci:hunter2-token", async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(text()).not.toContain("hunter2-token");
    expect(text()).toContain("login with *** failed");
    expect(text()).toContain("✘ push as ci:***");
  });

  it("shows a heartbeat while a long step runs, and its duration", async () => {
    const { log, text } = capture(20);
    await log.step("build", () => new Promise((r) => setTimeout(r, 70)));
    expect(text()).toMatch(/▶ build\n( {2}… build \(\d+ ms\)\n)+✔ build \(\d+ ms\)\n/);
  });
});

describe("the run's retry tally", () => {
  it("counts each announced retry by step and says so in one line; nothing retried, no line", async () => {
    const { RetryTally } = await import("../src/log/retry-tally.ts");
    const tally = new RetryTally();
    expect(tally.summary()).toBeUndefined();
    for (const line of [
      "  ↻ GET /v2/ on registry 172.17.0.1:5003: connection reset; waiting 1.0 s, then retry 1 of 5",
      "  ↻ upload of sha256:abc to registry x: no progress for 10 s; waiting 1.0 s, then retry 1 of 5",
      "  ↻ push 172.17.0.1:5003/ns/a:1.0.0: connection dropped; waiting 0.7 s, then retry 1 of 5",
      "  ↻ cosign attest --type spdxjson 172.17.0.1:5003/ns/a@sha256:1: connection dropped; waiting 0.6 s, then retry 1 of 5",
      "  ↻ cosign sign 172.17.0.1:5003/ns/a@sha256:1: connection refused; waiting 0.6 s, then retry 1 of 5",
      "  ↻ syft scan 172.17.0.1:5003/ns/a@sha256:2: the registry ended the request early; waiting 0.6 s, then retry 1 of 5",
      "▶ a: push 172.17.0.1:5003/ns/a:1.0.0",
    ])
      tally.see(line);
    expect(tally.counts()).toEqual({ "registry requests": 2, "engine push": 1, "cosign attest": 1, "cosign sign": 1, "syft scan": 1 });
    expect(tally.summary()).toBe(
      "↻ retried in this run: registry requests 2, engine push 1, cosign attest 1, cosign sign 1, syft scan 1 (6 in all, each announced above)",
    );
  });

  it("takes its heartbeat from IMAGE_PIPELINE_HEARTBEAT_MS as the edge read it: unset is 15 s, a bad value is one message naming the variable", () => {
    expect(heartbeatMs({})).toBe(DEFAULT_HEARTBEAT_MS);
    expect(heartbeatMs({ IMAGE_PIPELINE_HEARTBEAT_MS: "" })).toBe(15_000);
    expect(heartbeatMs({ IMAGE_PIPELINE_HEARTBEAT_MS: "60000" })).toBe(60_000);
    for (const bad of ["soon", "0", "-5", "Infinity"])
      expect(heartbeatMs({ IMAGE_PIPELINE_HEARTBEAT_MS: bad })).toBe(
        `environment variable IMAGE_PIPELINE_HEARTBEAT_MS is "${bad}": use a number of milliseconds above 0 (default 15000), or unset it`,
      );
  });
});
