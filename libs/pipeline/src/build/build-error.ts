/** A Dockerfile that did not build on one platform: names the image, platform, what failed and what to do. */
export class BuildFailedError extends Error {
  constructor(
    readonly image: string,
    readonly platform: string,
    detail: string,
    hint = "fix the Dockerfile (or the files it copies) and run the build again",
  ) {
    super(`${image} [${platform}]: the Dockerfile did not build\n${detail.replace(/^/gm, "    ")}\n  → ${hint}`);
  }
}

/** The useful part of a Dagger build error: the failing command and the end of its output. */
export function describeBuildError(e: unknown): string {
  const err = e as { message?: string; cmd?: string[]; stderr?: string; stdout?: string };
  const tail = (s: string | undefined) => (s ?? "").trim().split("\n").slice(-25).join("\n");
  if (err.cmd) return [`$ ${err.cmd.join(" ")}`, tail(err.stderr) || tail(err.stdout)].filter(Boolean).join("\n");
  return tail(err.message ?? String(e));
}

/** What to do next, when the failure says the base image could not be fetched rather than a step failing. */
export function buildFailureHint(detail: string, baseRef: string): string | undefined {
  if (!detail.includes(baseRef.split("@")[0]!) || !/not found|failed to resolve|pull access denied|failed to do request|unauthorized/i.test(detail)) return undefined;
  return `the base ${baseRef} could not be pulled: check the digest in image.yaml (or that the parent was built), and that the engine reaches its registry${process.env.HARNESS_REGISTRY ? ` (the air-gapped harness mirrors only what it seeded into ${process.env.HARNESS_REGISTRY})` : ""}`;
}
