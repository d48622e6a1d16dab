import { engineReachHint } from "../dagger/engine-reach.ts";

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
  if (!detail.includes(baseRef.split("@")[0]!) || !/not found|failed to resolve|pull access denied|failed to do request|unauthorized|connection refused/i.test(detail)) return undefined;
  const reach = engineReachHint(baseRef.split("/")[0]!);
  if (reach) return `the base ${baseRef} could not be pulled: ${reach}`;
  return `the base ${baseRef} could not be pulled: check the digest in image.yaml (or that the parent was built), and that the engine reaches its registry${process.env.HARNESS_REGISTRY ? ` (the air-gapped harness mirrors only what it seeded into ${process.env.HARNESS_REGISTRY})` : ""}`;
}

/** A push the engine could not complete: names the reference, the engine's reason and what to do. */
export function describePushFailure(ref: string, e: unknown): string {
  const registry = ref.split("/")[0]!;
  const detail = describeBuildError(e).split("\n").filter((l) => !/^\s*$/.test(l)).slice(-6).join("\n");
  const hint = engineReachHint(registry) ?? `check that the engine reaches ${registry} and may push there (credentials: REGISTRY_USERNAME / REGISTRY_PASSWORD), then run publish again: a re-run completes what this one left`;
  return `push of ${ref} failed\n${detail.replace(/^/gm, "    ")}\n  → ${hint}`;
}
