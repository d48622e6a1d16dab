import type { Container, ReturnType as DaggerReturnType } from "@dagger.io/dagger";
import {
  checkKind,
  type FileCheck,
  type ImageCheck,
  type Platform,
  type RunCheck,
  type SignalCheck,
  type SmokeCheck,
  type SmokeSpec,
} from "@image-tooling/image-metadata";

// ReturnType.Any's value, without loading the SDK just to read an enum (see dagger/sdk.ts).
const EXPECT_ANY = "ANY" as DaggerReturnType;

export interface CheckResult {
  image: string;
  platform: Platform;
  check: string;
  kind: ReturnType<typeof checkKind>;
  ok: boolean;
  /** On failure: what was expected and what was seen. */
  detail?: string;
}

type Verdict = { ok: true } | { ok: false; detail: string };
const pass: Verdict = { ok: true };
const fail = (detail: string): Verdict => ({ ok: false, detail });

const clip = (s: string, max = 1500): string => (s.length > max ? `${s.slice(0, max)}… (${s.length - max} more chars)` : s);
/** How every smoke regex is applied: multi-line, anywhere in the text unless the pattern anchors itself (generated version checks do: whole token). */
const matches = (pattern: string, text: string): boolean => new RegExp(pattern, "m").test(text);

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

async function exec(ctr: Container, args: string[], opts: { useEntrypoint?: boolean; insecureRootCapabilities?: boolean } = {}): Promise<ExecResult> {
  const done = ctr.withExec(args, { useEntrypoint: opts.useEntrypoint ?? false, insecureRootCapabilities: opts.insecureRootCapabilities, expect: EXPECT_ANY });
  const [exitCode, stdout, stderr] = await Promise.all([done.exitCode(), done.stdout(), done.stderr()]);
  return { exitCode, stdout, stderr };
}

const shQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

async function runCheck(ctr: Container, check: RunCheck): Promise<Verdict> {
  let c = ctr;
  for (const [k, v] of Object.entries(check.env ?? {})) c = c.withEnvVariable(k, v);
  for (const [path, contents] of Object.entries(check.files ?? {})) c = c.withNewFile(path, contents, { permissions: 0o644 });
  if (check.workdir) c = c.withWorkdir(check.workdir);

  let r: ExecResult;
  if (check.readOnlyRootfs) {
    // Dagger has no --read-only; remount / read-only in the exec's own mount
    // namespace (needs root capabilities), keep /tmp a tmpfs as `docker run
    // --read-only --tmpfs /tmp` would, then drop to the image's user.
    const argv = [...(check.entrypoint ? await ctr.entrypoint() : []), ...check.run];
    const user = check.user ?? ((await ctr.user()) || "0");
    const [uid, gid] = user.split(":");
    const drop = `setpriv --reuid=${uid} --regid=${gid ?? "0"} --clear-groups --`;
    const script = `mount -o remount,ro / || { echo "smoke: cannot remount / read-only" >&2; exit 125; }; exec ${drop} ${argv.map(shQuote).join(" ")}`;
    r = await exec(c.withUser("0:0").withMountedTemp("/tmp"), ["sh", "-c", script], { insecureRootCapabilities: true });
  } else {
    if (check.user) c = c.withUser(check.user);
    r = await exec(c, check.run, { useEntrypoint: check.entrypoint });
  }

  const problems = runCheckProblems(check, r);
  if (problems.length === 0) return pass;
  return fail(`$ ${check.run.join(" ")}\n${problems.join("; ")}\n--- stdout\n${clip(r.stdout)}\n--- stderr\n${clip(r.stderr)}`);
}

/** What a run check's command did wrong: exit code, stdout, stderr, output (stdout and stderr together). Pure. */
export function runCheckProblems(check: Pick<RunCheck, "exitCode" | "stdout" | "stderr" | "output">, r: ExecResult): string[] {
  const problems: string[] = [];
  if (r.exitCode !== check.exitCode) problems.push(`exit code ${r.exitCode}, expected ${check.exitCode}`);
  if (check.stdout && !matches(check.stdout, r.stdout)) problems.push(`stdout does not match /${check.stdout}/`);
  if (check.stderr && !matches(check.stderr, r.stderr)) problems.push(`stderr does not match /${check.stderr}/`);
  if (check.output && !matches(check.output, `${r.stdout}\n${r.stderr}`)) problems.push(`output does not match /${check.output}/`);
  return problems;
}

const FILE_TYPES: Record<string, FileCheck["type"]> = {
  "regular file": "file",
  "regular empty file": "file",
  directory: "directory",
  "symbolic link": "symlink",
};

async function fileCheck(ctr: Container, check: FileCheck): Promise<Verdict> {
  // stat from the image itself: Dagger's Stat has no owner, and -L would hide symlinks.
  const r = await exec(ctr.withUser("0:0"), ["stat", "-c", "%a|%u:%g|%F", check.file]);
  if (r.exitCode !== 0) return fail(`${check.file} does not exist (stat: ${r.stderr.trim()})`);
  const [mode, owner, type] = r.stdout.trim().split("|");
  const problems: string[] = [];
  if (check.type && FILE_TYPES[type!] !== check.type) problems.push(`type is ${type}, expected ${check.type}`);
  if (check.mode && parseInt(mode!, 8) !== parseInt(check.mode, 8)) problems.push(`mode is ${mode!.padStart(4, "0")}, expected ${check.mode}`);
  if (check.owner && owner !== check.owner) problems.push(`owner is ${owner}, expected ${check.owner}`);
  return problems.length ? fail(`${check.file}: ${problems.join("; ")}`) : pass;
}

async function imageCheck(ctr: Container, check: ImageCheck): Promise<Verdict> {
  const want = check.image;
  const problems: string[] = [];
  if (want.user !== undefined) {
    const user = await ctr.user();
    if (user !== want.user) problems.push(`user is "${user}", expected "${want.user}"`);
  }
  if (want.entrypoint) {
    const ep = await ctr.entrypoint();
    if (JSON.stringify(ep) !== JSON.stringify(want.entrypoint))
      problems.push(`entrypoint is ${JSON.stringify(ep)}, expected ${JSON.stringify(want.entrypoint)}`);
  }
  if (want.workdir !== undefined) {
    const wd = await ctr.workdir();
    if (wd !== want.workdir) problems.push(`workdir is "${wd}", expected "${want.workdir}"`);
  }
  for (const [name, pattern] of Object.entries(want.env ?? {})) {
    const value = await ctr.envVariable(name);
    if (value === null || value === undefined || value === "") problems.push(`env ${name} is not set`);
    else if (!matches(pattern, value)) problems.push(`env ${name}="${value}" does not match /${pattern}/`);
  }
  for (const [name, pattern] of Object.entries(want.labels ?? {})) {
    const value = await ctr.label(name);
    if (value === null || value === undefined || value === "") problems.push(`label ${name} is not set`);
    else if (!matches(pattern, value)) problems.push(`label ${name}="${value}" does not match /${pattern}/`);
  }
  return problems.length ? fail(problems.join("; ")) : pass;
}

const SIGNAL_MARK = "smoke-signal-received";

/**
 * Starts a trap-and-wait shell through the image's entrypoint, sends it the
 * signal from outside and expects the trap to fire. An entrypoint that runs
 * the command as a child instead of exec'ing it takes the signal itself, so
 * the trap never fires.
 */
async function signalCheck(ctr: Container, check: SignalCheck): Promise<Verdict> {
  const entrypoint = await ctr.entrypoint();
  const ready = "/tmp/.smoke-signal-ready";
  const inner = `trap 'echo ${SIGNAL_MARK}; exit 0' ${check.signal}; : > ${ready}; echo ready; while :; do sleep 0.1; done`;
  const cmd = [...entrypoint, "sh", "-c", inner].map(shQuote).join(" ");
  const script = [
    `${cmd} & pid=$!`,
    // Signal only once the trap is set (arm64 under emulation can take seconds to get there).
    `i=0; while [ ! -e ${ready} ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done`,
    `kill -${check.signal} $pid`,
    // Never hang on an entrypoint that swallows the signal.
    "( sleep 10; kill -KILL $pid 2>/dev/null ) & watchdog=$!",
    "wait $pid; status=$?",
    "kill $watchdog 2>/dev/null",
    'echo "exit=$status"',
  ].join("\n");
  let c = ctr;
  if (check.user) c = c.withUser(check.user);
  const r = await exec(c, ["sh", "-c", script]);
  // The trap must fire while we wait, and the entrypoint process must end
  // with the trap's status: an orphaned command that gets the signal later,
  // from the container's init at exit, proves nothing.
  if (new RegExp(`^${SIGNAL_MARK}\\s*\\nexit=0\\s*$`, "m").test(r.stdout)) return pass;
  return fail(
    `SIG${check.signal} did not reach the command run by the entrypoint ${JSON.stringify(entrypoint)} (does it \`exec "$@"\`?)\n--- stdout\n${clip(r.stdout)}\n--- stderr\n${clip(r.stderr)}`,
  );
}

function runOne(ctr: Container, check: SmokeCheck): Promise<Verdict> {
  switch (checkKind(check)) {
    case "run":
      return runCheck(ctr, check as RunCheck);
    case "file":
      return fileCheck(ctr, check as FileCheck);
    case "image":
      return imageCheck(ctr, check as ImageCheck);
    case "signal":
      return signalCheck(ctr, check as SignalCheck);
  }
}

/** Runs every applicable check of the spec against one platform's container. */
export async function runSmoke(image: string, platform: Platform, ctr: Container, spec: SmokeSpec): Promise<CheckResult[]> {
  const checks = spec.checks.filter((c) => !c.platforms || c.platforms.includes(platform));
  return Promise.all(
    checks.map(async (check) => {
      let verdict: Verdict;
      try {
        verdict = await runOne(ctr, check);
      } catch (e) {
        verdict = fail(`the check could not run: ${(e as Error).message.split("\n")[0]}`);
      }
      return { image, platform, check: check.name, kind: checkKind(check), ok: verdict.ok, detail: verdict.ok ? undefined : verdict.detail };
    }),
  );
}

export function formatFailures(results: CheckResult[]): string {
  return results
    .filter((r) => !r.ok)
    .map((r) => `✘ ${r.image} [${r.platform}] ${r.kind} check "${r.check}":\n${r.detail!.replace(/^/gm, "    ")}`)
    .join("\n");
}
