import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { completeLockfile, platformOf } from "../src/complete-lockfile.ts";

describe("completeLockfile", () => {
  it("reads platforms from package names", () => {
    expect(platformOf("@nx/nx-linux-x64-musl")).toEqual({ os: ["linux"], cpu: ["x64"], libc: ["musl"] });
    expect(platformOf("@swc/core-linux-arm-gnueabihf")).toEqual({ os: ["linux"], cpu: ["arm"], libc: ["glibc"] });
    expect(platformOf("@swc/core-win32-ia32-msvc")).toEqual({ os: ["win32"], cpu: ["ia32"] });
    expect(platformOf("@nx/nx-darwin-arm64")).toEqual({ os: ["darwin"], cpu: ["arm64"] });
    expect(platformOf("left-pad")).toBeNull();
  });

  it("adds the missing optional platform packages and nothing else", () => {
    const lock = {
      packages: {
        "": { name: "x" },
        "node_modules/nx": { version: "1.0.0", optionalDependencies: { "@nx/nx-linux-x64-gnu": "1.0.0", "@nx/nx-darwin-arm64": "1.0.0", fsevents: "^2" } },
        "node_modules/@nx/nx-linux-x64-gnu": { version: "1.0.0", integrity: "sha512-x", optional: true },
      },
    };
    const { lock: out, added } = completeLockfile(lock);
    expect(added).toEqual(["@nx/nx-darwin-arm64@1.0.0"]);
    expect(out.packages["node_modules/@nx/nx-darwin-arm64"]).toEqual({ version: "1.0.0", os: ["darwin"], cpu: ["arm64"], optional: true });
    expect(out.packages["node_modules/@nx/nx-linux-x64-gnu"]).toEqual(lock.packages["node_modules/@nx/nx-linux-x64-gnu"]);
  });

  it("the committed package-lock.json is complete (else run: npm run lock:complete)", () => {
    const lock = JSON.parse(readFileSync(new URL("../../../package-lock.json", import.meta.url), "utf8"));
    expect(completeLockfile(lock).added).toEqual([]);
  });
});
