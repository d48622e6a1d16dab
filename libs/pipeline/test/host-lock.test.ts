import { mkdirSync, mkdtempSync, writeFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { withHostLock } from "../src/run/host-lock.ts";

describe("the machine-wide publish lock", () => {
  it("runs holders of the same key one after the other, and says that it waits", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lock-"));
    const events: string[] = [];
    const waits: string[] = [];
    const hold = (name: string) =>
      withHostLock(
        "r/acme/app:1.0.0",
        async () => {
          events.push(`${name} in`);
          await new Promise((r) => setTimeout(r, 50));
          events.push(`${name} out`);
        },
        { dir, pollMs: 10, onWait: (owner) => waits.push(owner) },
      );
    await Promise.all([hold("a"), hold("b")]);
    expect(events).toEqual(["a in", "a out", "b in", "b out"]);
    expect(waits).toEqual([`pid ${process.pid}`]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("does not make different keys wait", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lock-"));
    const events: string[] = [];
    const hold = (key: string) => withHostLock(key, async () => void events.push(key), { dir, pollMs: 10, onWait: () => events.push("waited") });
    await withHostLock("a", () => hold("b"), { dir });
    expect(events).toEqual(["b"]);
  });

  it("takes over a lock whose owner died, and releases on failure", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lock-"));
    // A pid that has exited: the lock it left is stale.
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout;
    await withHostLock("k", async () => undefined, { dir }); // learn the lock's directory name
    const name = (await import("node:crypto")).createHash("sha256").update("k").digest("hex").slice(0, 32);
    mkdirSync(join(dir, name));
    writeFileSync(join(dir, name, "owner"), `${dead}\nk\n`);
    await expect(
      withHostLock(
        "k",
        async () => {
          throw new Error("boom");
        },
        { dir, maxWaitMs: 1000 },
      ),
    ).rejects.toThrow("boom");
    expect(readdirSync(dir)).toEqual([]);
  });
});
