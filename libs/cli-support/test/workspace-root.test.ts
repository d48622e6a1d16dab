import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { commandWorkspace, workspaceRootAbove } from "../src/workspace-root.ts";

describe("the workspace root", () => {
  const root = mkdtempSync(join(tmpdir(), "ws-root-"));
  writeFileSync(join(root, "nx.json"), "{}\n");
  const deep = join(root, "packages", "a", "src");
  mkdirSync(deep, { recursive: true });

  it("is the nearest directory holding nx.json, walking up", () => {
    expect(workspaceRootAbove(deep)).toBe(root);
    expect(workspaceRootAbove(root)).toBe(root);
  });

  it("outside any workspace: one error that says where to run", () => {
    expect(() => workspaceRootAbove(tmpdir())).toThrow(/no nx\.json in .* or above it: run this inside the image-tooling workspace/);
  });

  it("for a command: Nx's NX_WORKSPACE_ROOT first, else found from the working directory", () => {
    expect(commandWorkspace({ NX_WORKSPACE_ROOT: "/elsewhere" }, deep)).toBe("/elsewhere");
    expect(commandWorkspace({}, deep)).toBe(root);
  });
});
