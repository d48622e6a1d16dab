import { spawn } from "node:child_process";
import { LoadError } from "./load-plan.ts";

/**
 * The local Docker CLI, as `load` uses it: whatever daemon the user's docker
 * talks to (DOCKER_HOST, its context), exactly as `docker run` afterwards
 * will. Only the CLI is needed: the image arrives as a file, not through a
 * registry the daemon would have to reach.
 */
export interface DockerRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function docker(args: string[], opts: { docker?: string } = {}): Promise<DockerRun> {
  const bin = opts.docker ?? "docker";
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", (e: NodeJS.ErrnoException) =>
      reject(
        e.code === "ENOENT"
          ? new LoadError(
              `load puts the image into your local Docker, but there is no \`${bin}\` command here: install the Docker CLI (and a daemon it reaches)`,
            )
          : e,
      ),
    );
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** Runs docker; a failure becomes one LoadError naming the command and docker's last words. */
export async function dockerOk(args: string[], what: string): Promise<string> {
  const r = await docker(args);
  if (r.code !== 0) {
    const last = (r.stderr || r.stdout).trim().split("\n").at(-1) ?? "";
    throw new LoadError(`${what}: \`docker ${args.join(" ")}\` failed (exit ${r.code}): ${last}`);
  }
  return r.stdout;
}
