import { spawnSync } from "node:child_process";
import { goToolBinary, type GoTool } from "@image-tooling/go-tool";

/**
 * actionlint (rhysd/actionlint): the GitHub Actions linter — schema, expression
 * types, `needs`/`if`/matrix checks, runner labels, and shellcheck on `run:`
 * scripts when shellcheck is installed. It is a Go program; our machines reach
 * the Go module proxy but no release downloads, so it is built from source at
 * this exact version and cached under node_modules/.cache, like the
 * pipeline's cosign and syft.
 */
export const ACTIONLINT: GoTool = { name: "actionlint", pkg: "github.com/rhysd/actionlint/cmd/actionlint", version: "v1.7.12", envVar: "ACTIONLINT" };

export class ActionlintUnavailable extends Error {}

/** Path to an actionlint binary of the pinned version: $ACTIONLINT, the cache, or a fresh build (`env`: the caller's, read at its CLI's edge). */
export function actionlintBinary(repoRoot: string, env: NodeJS.ProcessEnv): Promise<string> {
  return goToolBinary(ACTIONLINT, { root: repoRoot, env });
}

export interface ActionlintFinding {
  file: string;
  line: number;
  column: number;
  kind: string;
  message: string;
}

/** Lints workflow files; returns every finding (empty when clean). */
export function actionlint(bin: string, files: string[], cwd: string): ActionlintFinding[] {
  const r = spawnSync(bin, ["-format", "{{json .}}", ...files], { cwd, encoding: "utf8" });
  if (r.error) throw new ActionlintUnavailable(`${bin}: ${r.error.message}`);
  // Exit 1 means findings; anything else is actionlint itself failing.
  if (r.status !== 0 && r.status !== 1) throw new Error(`actionlint exited ${r.status}: ${r.stderr.trim()}`);
  const found = JSON.parse(r.stdout.trim() || "[]") as { filepath: string; line: number; column: number; kind: string; message: string }[];
  return found.map((f) => ({ file: f.filepath, line: f.line, column: f.column, kind: f.kind, message: f.message }));
}
