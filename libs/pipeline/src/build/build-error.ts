import { engineReachHint } from "../dagger/engine-reach.ts";
import { findCopyStep, findRunStep } from "./dockerfile-step.ts";

/** Where in the Dockerfile a build failed, when the failing command could be traced to a line. */
export interface FailedStep {
  /** Workspace-relative Dockerfile path. */
  file: string;
  line: number;
  instruction: string;
  exitCode?: number;
  /** A COPY/ADD source that is not in the build context, as the Dockerfile names it. */
  missing?: string;
}

/** A Dockerfile that did not build on one platform: names the image, platform, the Dockerfile line, what failed and what to do. */
export class BuildFailedError extends Error {
  constructor(
    readonly image: string,
    readonly platform: string,
    detail: string,
    hint = "fix the Dockerfile (or the files it copies) and run the build again",
    readonly step?: FailedStep,
  ) {
    const how = step?.missing ? `: ${step.missing} is not in the build context` : step?.exitCode === undefined ? "" : ` with exit code ${step.exitCode}`;
    const where = step ? `: ${step.file} line ${step.line} failed${how}` : "";
    super(`${image} [${platform}]: the Dockerfile did not build${where}\n${detail.replace(/^/gm, "    ")}\n  → ${hint}`);
  }
}

/** Longer lines are the engine's internals (operation IDs run to kilobytes), never something a user reads. */
const MAX_LINE = 400;
const readable = (s: string): string =>
  s
    .split("\n")
    .map((l) => (l.length > MAX_LINE ? `${l.slice(0, 120)}… (${l.length} characters cut)` : l))
    .join("\n");

/** The useful part of a Dagger build error: the failing command and the end of its output. */
export function describeBuildError(e: unknown): string {
  return describeDockerfileFailure(e).detail;
}

/**
 * The useful part of a Dagger build error: the instruction (or command) that
 * failed and the end of its output; with the Dockerfile's text, the line the
 * command came from.
 */
export function describeDockerfileFailure(e: unknown, dockerfile?: { file: string; text: string }): { detail: string; step?: FailedStep } {
  const err = e as { message?: string; cmd?: string[]; stderr?: string; stdout?: string; exitCode?: number };
  const tail = (s: string | undefined) => readable((s ?? "").trim().split("\n").slice(-25).join("\n"));
  if (err.cmd) {
    const found = dockerfile ? findRunStep(dockerfile.text, err.cmd) : undefined;
    const step =
      found && dockerfile
        ? { file: dockerfile.file, ...found, ...(typeof err.exitCode === "number" && err.exitCode >= 0 && { exitCode: err.exitCode }) }
        : undefined;
    const head = step ? step.instruction : `$ ${err.cmd.join(" ")}`;
    return { detail: [readable(head), tail(err.stderr) || tail(err.stdout)].filter(Boolean).join("\n"), ...(step && { step }) };
  }
  const missing = missingCopySource(err.message ?? String(e));
  if (missing) {
    const found = dockerfile ? findCopyStep(dockerfile.text, missing.path) : undefined;
    const source = missing.path.replace(/^\/+/, "");
    const step = found && dockerfile ? { file: dockerfile.file, ...found, missing: source } : undefined;
    // The engine's own line is mostly operation IDs: keep only its reason.
    return { detail: [step?.instruction, `${source}: ${missing.reason}`].filter(Boolean).join("\n"), ...(step && { step }) };
  }
  return { detail: tail(err.message ?? String(e)) };
}

/**
 * A COPY/ADD source missing from the build context, from the engine's error:
 * Dagger's Dockerfile frontend says `dockerfile copy: … lstat /bin/hello: no
 * such file or directory`, BuildKit's `failed to compute cache key: … "/bin/hello": not found`.
 */
export function missingCopySource(message: string): { path: string; reason: string } | undefined {
  const dagger = /dockerfile copy: .*?\blstat (\S+): (no such file or directory)/.exec(message);
  if (dagger) return { path: dagger[1]!, reason: dagger[2]! };
  const buildkit = /failed to (?:compute cache key|calculate checksum)[^\n]*?"([^"\n]+)": (not found)/.exec(message);
  if (buildkit) return { path: buildkit[1]!, reason: buildkit[2]! };
  return undefined;
}

/** What to do about a COPY/ADD source the context lacks: the package holds the context, minus .dockerignore. */
export function missingSourceHint(step: FailedStep, packageRoot: string): string {
  return `add ${packageRoot}/${step.missing} to the image package, or fix the source on line ${step.line} of ${step.file}; a file that exists but is listed in ${packageRoot}/.dockerignore is left out of the context too`;
}

/** What to do next, when the failure says the base image could not be fetched rather than a step failing. */
export function buildFailureHint(detail: string, baseRef: string): string | undefined {
  if (
    !detail.includes(baseRef.split("@")[0]!) ||
    !/not found|failed to resolve|pull access denied|failed to do request|unauthorized|connection refused/i.test(detail)
  )
    return undefined;
  const reach = engineReachHint(baseRef.split("/")[0]!);
  if (reach) return `the base ${baseRef} could not be pulled: ${reach}`;
  return `the base ${baseRef} could not be pulled: check the digest in image.yaml (or that the parent was built), and that the engine reaches its registry (or the mirror its engine.json names for it)`;
}

/** A push the engine could not complete: names the reference, the engine's reason and what to do. */
export function describePushFailure(ref: string, e: unknown, retried?: string): string {
  const registry = ref.split("/")[0]!;
  const detail = describeBuildError(e)
    .split("\n")
    .filter((l) => !/^\s*$/.test(l))
    .slice(-6)
    .join("\n");
  const hint =
    engineReachHint(registry) ??
    `check that the engine reaches ${registry} and may push there (credentials: REGISTRY_USERNAME / REGISTRY_PASSWORD), then run publish again: a re-run completes what this one left`;
  return `push of ${ref} failed${retried ? ` (${retried})` : ""}\n${detail.replace(/^/gm, "    ")}\n  → ${hint}`;
}
