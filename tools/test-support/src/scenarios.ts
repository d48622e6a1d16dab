import { ReturnType, type Container } from "@dagger.io/dagger";

/** What one command printed and how it ended. */
export interface ExecRun {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/**
 * Named commands run in containers during a test file's beforeAll (one Dagger
 * session), kept for the tests that assert on them afterwards. A scenario a
 * test asks for but the setup never ran fails that test by name.
 */
export class Scenarios {
  readonly #runs = new Map<string, ExecRun>();

  async exec(key: string, c: Container, args: string[], stdin?: string): Promise<void> {
    const done = c.withExec(args, { expect: ReturnType.Any, ...(stdin === undefined ? {} : { stdin }) });
    const [stdout, stderr, exitCode] = await Promise.all([done.stdout(), done.stderr(), done.exitCode()]);
    this.#runs.set(key, { stdout, stderr, exitCode });
  }

  get(key: string): ExecRun {
    const r = this.#runs.get(key);
    if (!r) throw new Error(`scenario ${key} did not run`);
    return r;
  }
}
