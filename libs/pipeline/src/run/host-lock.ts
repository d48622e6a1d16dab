import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * A lock shared by every pipeline process on this machine, keyed by a string
 * (here: the immutable tag about to be pushed). Registries have no
 * conditional tag write, so two publishes of the same new version could both
 * see the tag absent and both push; on one machine this lock makes the
 * check-and-push one step. `mkdir` is atomic; the owner's pid lets a lock
 * left by a killed process be taken over.
 */
export async function withHostLock<T>(
  key: string,
  fn: () => Promise<T>,
  opts: { onWait?: (owner: string) => void; maxWaitMs?: number; dir?: string; pollMs?: number } = {},
): Promise<T> {
  const root = opts.dir ?? join(tmpdir(), "image-tooling-locks");
  mkdirSync(root, { recursive: true });
  const lock = join(root, createHash("sha256").update(key).digest("hex").slice(0, 32));
  const deadline = Date.now() + (opts.maxWaitMs ?? 30 * 60_000);
  let announced = false;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, "owner"), `${process.pid}\n${key}\n`);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    const owner = readOwner(lock);
    if (owner === undefined ? olderThan(lock, 10_000) : !alive(owner)) {
      rmSync(lock, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`gave up waiting for the lock on ${key} held by pid ${owner ?? "?"} (${lock})`);
    if (!announced) opts.onWait?.(owner === undefined ? "another process" : `pid ${owner}`);
    announced = true;
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 250));
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function readOwner(lock: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(lock, "owner"), "utf8").split("\n")[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined; // being created or removed right now
  }
}

/** A lock whose owner file never appeared: its creator died between mkdir and writing it. */
function olderThan(lock: string, ms: number): boolean {
  try {
    return Date.now() - statSync(lock).mtimeMs > ms;
  } catch {
    return false;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
