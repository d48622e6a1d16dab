/** A Dockerfile that did not build on one platform: names the image, platform and what failed. */
export class BuildFailedError extends Error {
  constructor(
    readonly image: string,
    readonly platform: string,
    detail: string,
  ) {
    super(`${image} [${platform}]: the Dockerfile did not build\n${detail.replace(/^/gm, "    ")}\n  → fix the Dockerfile (or the files it copies) and run the build again`);
  }
}

/** The useful part of a Dagger build error: the failing command and the end of its output. */
export function describeBuildError(e: unknown): string {
  const err = e as { message?: string; cmd?: string[]; stderr?: string; stdout?: string };
  const tail = (s: string | undefined) => (s ?? "").trim().split("\n").slice(-25).join("\n");
  if (err.cmd) return [`$ ${err.cmd.join(" ")}`, tail(err.stderr) || tail(err.stdout)].filter(Boolean).join("\n");
  return tail(err.message ?? String(e));
}
