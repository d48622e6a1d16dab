import { describe, expect, it } from "vitest";
import { BuildFailedError, describeDockerfileFailure, missingCopySource, missingSourceHint } from "../src/build/build-error.ts";
import { dockerfileInstructions, findCopyStep, findRunStep } from "../src/build/dockerfile-step.ts";

const DOCKERFILE = [
  "# syntax=docker/dockerfile:1",
  "ARG BASE_IMAGE",
  "FROM ${BASE_IMAGE}",
  "",
  "RUN --mount=type=cache,target=/var/cache/apt \\",
  "    apt-get update && \\",
  "    # a comment inside",
  "    apt-get install -y curl",
  'RUN ["/usr/local/bin/check", "--strict"]',
  "RUN echo 'about to fail' >&2 && exit 3",
].join("\n");

describe("finding the Dockerfile line of a failed command", () => {
  it("joins continuation lines, drops comments and keeps the line each instruction starts on", () => {
    expect(dockerfileInstructions(DOCKERFILE).map((i) => [i.line, i.keyword])).toEqual([
      [2, "ARG"],
      [3, "FROM"],
      [5, "RUN"],
      [9, "RUN"],
      [10, "RUN"],
    ]);
  });

  it("matches shell-form commands (flags and continuations aside) and exec-form argv", () => {
    expect(findRunStep(DOCKERFILE, ["/bin/sh", "-c", "echo 'about to fail' >&2 && exit 3"])).toEqual({
      line: 10,
      instruction: "RUN echo 'about to fail' >&2 && exit 3",
    });
    expect(findRunStep(DOCKERFILE, ["/bin/sh", "-c", "apt-get update &&     apt-get install -y curl"])?.line).toBe(5);
    expect(findRunStep(DOCKERFILE, ["/usr/local/bin/check", "--strict"])?.line).toBe(9);
    expect(findRunStep(DOCKERFILE, ["/bin/sh", "-c", "make"])).toBeUndefined();
  });
});

describe("a build error", () => {
  const execError = Object.assign(
    new Error(`process "/bin/sh -c echo 'about to fail' >&2 && exit 3" did not complete successfully: exit code: 3\n${'{"id":"' + "x".repeat(6000) + '"}'}`),
    {
      cmd: ["/bin/sh", "-c", "echo 'about to fail' >&2 && exit 3"],
      exitCode: 3,
      stderr: "about to fail\n",
      stdout: "",
    },
  );

  it("names the Dockerfile, its line and the exit code up front, then the instruction and its output", () => {
    const { detail, step } = describeDockerfileFailure(execError, { file: "packages/demo/Dockerfile", text: DOCKERFILE });
    const e = new BuildFailedError("demo", "linux/arm64", detail, undefined, step);
    expect(e.message).toBe(
      [
        "demo [linux/arm64]: the Dockerfile did not build: packages/demo/Dockerfile line 10 failed with exit code 3",
        "    RUN echo 'about to fail' >&2 && exit 3",
        "    about to fail",
        "  → fix the Dockerfile (or the files it copies) and run the build again",
      ].join("\n"),
    );
  });

  it("never carries the engine's multi-kilobyte lines", () => {
    const { detail } = describeDockerfileFailure(new Error(`failed to solve: something broke\n${"x".repeat(6000)}\nlast line`));
    expect(detail.split("\n").every((l) => l.length <= 400)).toBe(true);
    expect(detail).toContain("failed to solve: something broke");
    expect(detail).toContain("(6000 characters cut)");
    expect(detail).toContain("last line");
  });

  it("without a matching line, shows the command as the engine ran it", () => {
    const { detail, step } = describeDockerfileFailure(
      { ...execError, cmd: ["/bin/sh", "-c", "make"], message: execError.message },
      { file: "packages/demo/Dockerfile", text: DOCKERFILE },
    );
    expect(step).toBeUndefined();
    expect(detail).toBe("$ /bin/sh -c make\nabout to fail");
  });
});

describe("a COPY of a file the build context lacks", () => {
  const dockerfile = [
    "ARG BASE_IMAGE",
    "FROM ${BASE_IMAGE} AS fetch",
    "COPY --from=fetch /bin/hello /x",
    "FROM ${BASE_IMAGE}",
    "COPY --chmod=0755 entrypoint ./bin/hello /usr/local/bin/",
    'ADD ["conf.d/", "/etc/x/"]',
  ].join("\n");
  // The engine's own text (operation IDs shortened): Dagger's Dockerfile frontend, then BuildKit's.
  const daggerError = `failed to load container from converted ID: load Container@${"Cv".repeat(2000)}: load xxh3:825ee66d8f4baa55: inputs: failed to content hash dockerfile copy: failed to copy source directory: lstat /bin/hello: no such file or directory`;

  it("reads the missing path from either engine's words", () => {
    expect(missingCopySource(daggerError)).toEqual({ path: "/bin/hello", reason: "no such file or directory" });
    expect(missingCopySource('failed to solve: failed to compute cache key: failed to calculate checksum of ref abc::def: "/conf.d": not found')).toEqual({
      path: "/conf.d",
      reason: "not found",
    });
    expect(missingCopySource("process did not complete successfully: exit code: 3")).toBeUndefined();
  });

  it("finds the COPY or ADD that names it, never a --from copy", () => {
    expect(findCopyStep(dockerfile, "/bin/hello")).toEqual({ line: 5, instruction: "COPY --chmod=0755 entrypoint ./bin/hello /usr/local/bin/" });
    expect(findCopyStep(dockerfile, "/conf.d")?.line).toBe(6);
    expect(findCopyStep(dockerfile, "/elsewhere")).toBeUndefined();
  });

  it("names the Dockerfile line, the missing path and what to do, without the engine's IDs", () => {
    const { detail, step } = describeDockerfileFailure(Object.assign(new Error(daggerError)), { file: "packages/demo/Dockerfile", text: dockerfile });
    const e = new BuildFailedError("demo", "linux/amd64", detail, missingSourceHint(step!, "packages/demo"), step);
    expect(e.message).toBe(
      [
        "demo [linux/amd64]: the Dockerfile did not build: packages/demo/Dockerfile line 5 failed: bin/hello is not in the build context",
        "    COPY --chmod=0755 entrypoint ./bin/hello /usr/local/bin/",
        "    bin/hello: no such file or directory",
        "  → add packages/demo/bin/hello to the image package, or fix the source on line 5 of packages/demo/Dockerfile; a file that exists but is listed in packages/demo/.dockerignore is left out of the context too",
      ].join("\n"),
    );
  });
});
