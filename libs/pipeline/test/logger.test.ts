import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { fmtDuration, Logger } from "../src/report/logger.ts";

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

  it("formats durations for people", () => {
    expect(fmtDuration(850)).toBe("850 ms");
    expect(fmtDuration(12_340)).toBe("12.3 s");
    expect(fmtDuration(125_000)).toBe("2m05s");
  });
});
