import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { GoToolUnavailable, goToolBinary, goToolCachePath } from "../src/go-tool.ts";
import type { GoTool } from "../src/go-tool.ts";

const COSIGN: GoTool = { name: "cosign", pkg: "github.com/sigstore/cosign/v3/cmd/cosign", version: "v3.1.3", envVar: "COSIGN_BIN" };

describe("pinned Go tools", () => {
  it("an override variable wins over the cache", async () => {
    expect(await goToolBinary(COSIGN, { env: { COSIGN_BIN: "/opt/cosign" } })).toBe("/opt/cosign");
  });

  it("live in node_modules/.cache/<name>/<version>", () => {
    expect(goToolCachePath(COSIGN, "/repo")).toBe("/repo/node_modules/.cache/cosign/v3.1.3/cosign");
  });

  it("without Go, say how to get the tool instead of failing obscurely", async () => {
    const root = mkdtempSync(join(tmpdir(), "go-tool-"));
    const err = await goToolBinary(COSIGN, { root, env: { PATH: "/nonexistent" } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GoToolUnavailable);
    expect((err as Error).message).toMatch(
      /cosign v3\.1\.3 is built with Go from the Go module proxy, but `go` could not run .*Install Go .* or set COSIGN_BIN=/,
    );
  });
});
