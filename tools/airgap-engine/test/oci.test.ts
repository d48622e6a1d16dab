import { formatPlatform } from "@image-tooling/oci-registry";
import { describe, expect, it } from "vitest";
import { platformFor } from "../src/oci.ts";

describe("platformFor", () => {
  it("maps Debian architectures to OCI platforms", () => {
    expect(platformFor("amd64")).toEqual({ os: "linux", architecture: "amd64" });
    expect(platformFor("arm64")).toEqual({ os: "linux", architecture: "arm64", variant: "v8" });
    expect(() => platformFor("s390x")).toThrow(/unsupported/);
    expect(formatPlatform(platformFor("arm64"))).toBe("linux/arm64/v8");
  });
});
