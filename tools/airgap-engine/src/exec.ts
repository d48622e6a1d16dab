import { createWriteStream, existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { execa, type Options as ExecaOptions } from "execa";
import { HarnessError } from "./errors.ts";
import { formatDuration } from "@image-tooling/cli-support";

/** Output lines go to stderr so `status --json` stdout stays machine-readable. */
export function say(line: string): void {
  process.stderr.write(`${line}\n`);
}

export interface RunOptions {
  /** Append stdout+stderr here instead of the terminal. */
  log?: string;
  env?: Record<string, string | undefined>;
  cwd?: string;
  input?: string;
  /** Shown when the command fails, after the log tail. */
  fix?: string;
  timeoutMs?: number;
}

function tail(file: string, lines = 25): string {
  if (!existsSync(file)) return "";
  const text = readFileSync(file, "utf8").trimEnd().split("\n");
  return text.slice(-lines).join("\n");
}

/**
 * Runs a command to completion. With `log`, its output is appended to that
 * file (long builds would drown the terminal); a failure raises a
 * HarnessError quoting the log's tail.
 */
export async function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<void> {
  const base: ExecaOptions = {
    env: opts.env,
    extendEnv: true,
    cwd: opts.cwd,
    input: opts.input,
    timeout: opts.timeoutMs,
    reject: false,
  };
  let result: Awaited<ReturnType<typeof execa>>;
  if (opts.log) {
    mkdirSync(path.dirname(opts.log), { recursive: true });
    const stream = createWriteStream(opts.log, { flags: "a" });
    await new Promise((resolve) => stream.once("open", resolve));
    stream.write(`\n$ ${cmd} ${args.join(" ")}\n`);
    result = await execa(cmd, args, { ...base, stdout: stream, stderr: stream, all: false } as ExecaOptions);
    await new Promise((resolve) => stream.end(resolve));
  } else {
    result = await execa(cmd, args, { ...base, stdio: ["pipe", "inherit", "inherit"] } as ExecaOptions);
  }
  if (result.failed) {
    const why = result.timedOut ? `timed out after ${formatDuration(opts.timeoutMs ?? 0)}` : `exited with ${result.exitCode ?? result.signal}`;
    const logTail = opts.log ? `\n${tail(opts.log)}` : "";
    throw new HarnessError(
      `\`${cmd} ${args.join(" ")}\` ${why}${logTail}`,
      opts.fix ?? "read the output above; fix the cause and run `npm run harness -- provision` again (finished steps are cached).",
      opts.log,
    );
  }
}

/** Runs a command and returns its stdout; failures become HarnessErrors. */
export async function capture(
  cmd: string,
  args: readonly string[],
  opts: { env?: Record<string, string>; cwd?: string; fix?: string; allowFail?: boolean; input?: string } = {},
): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  const result = await execa(cmd, args, {
    env: opts.env,
    extendEnv: true,
    cwd: opts.cwd,
    input: opts.input,
    reject: false,
    stripFinalNewline: true,
  });
  const exitCode = result.exitCode ?? (result.failed ? 1 : 0);
  if (exitCode !== 0 && !opts.allowFail) {
    const detail = result.code === "ENOENT" ? "command not found" : `exited with ${exitCode}: ${String(result.stderr).trim()}`;
    throw new HarnessError(`\`${cmd} ${args.join(" ")}\` ${detail}`, opts.fix ?? "see the message above.");
  }
  return { stdout: String(result.stdout ?? ""), stderr: String(result.stderr ?? ""), exitCode };
}

export async function commandExists(cmd: string): Promise<boolean> {
  const r = await execa("sh", ["-c", `command -v ${cmd}`], { reject: false });
  return r.exitCode === 0;
}

/**
 * Prints a "still <label>… 3m10s" line every interval while `work` runs, so a
 * 20-minute compile never looks like a hang.
 */
export async function withProgress<T>(
  /** cfg.progressIntervalMs (HARNESS_PROGRESS_SECONDS, read by resolveConfig). */
  intervalMs: number,
  label: string,
  work: () => Promise<T>,
): Promise<T> {
  const started = Date.now();
  const timer = setInterval(() => say(`    … still ${label}… ${formatDuration(Date.now() - started)}`), intervalMs);
  timer.unref();
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `probe` until it returns true or the deadline passes. */
export async function waitFor(probe: () => Promise<boolean>, timeoutMs: number, everyMs = 500): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return true;
    await sleep(everyMs);
  }
  return false;
}
