import { describe, expect, it } from "vitest";
import { dockerBuildArgs } from "../src/build/build-image.ts";

describe("dockerBuildArgs", () => {
  it("passes the pinned base, and TOOLS_MIRROR only when the environment sets it", () => {
    const base = `docker.io/library/debian:trixie-slim@sha256:${"a".repeat(64)}`;
    expect(dockerBuildArgs(base, {})).toEqual([{ name: "BASE_IMAGE", value: base }]);
    expect(dockerBuildArgs(base, { TOOLS_MIRROR: "" })).toEqual([{ name: "BASE_IMAGE", value: base }]);
    const mirror = "https://github.com/=https://nexus.example.com/repository/github/";
    expect(dockerBuildArgs(base, { TOOLS_MIRROR: mirror })).toEqual([
      { name: "BASE_IMAGE", value: base },
      { name: "TOOLS_MIRROR", value: mirror },
    ]);
  });
});
