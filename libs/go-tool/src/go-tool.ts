import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { INSTALL_ROOT } from "@image-tooling/cli-support";
import { execTool } from "./exec-tool.ts";

/**
 * A Go program pinned to one module version. Our machines reach the Go module
 * proxy but no release downloads, so the binary is built from source on first
 * use into node_modules/.cache/<name>/<version> and reused after; an
 * environment variable can name another binary instead.
 */
export interface GoTool {
  name: string;
  /** The main package, e.g. github.com/sigstore/cosign/v3/cmd/cosign. */
  pkg: string;
  version: string;
  /** Environment variable that overrides the binary (e.g. COSIGN_BIN). */
  envVar: string;
}

export class GoToolUnavailable extends Error {}

export function goToolCachePath(tool: GoTool, root = INSTALL_ROOT): string {
  return join(root, "node_modules", ".cache", tool.name, tool.version, tool.name);
}

const inFlight = new Map<string, Promise<string>>();
const FLOCK = "/usr/bin/flock";

/**
 * Path to the pinned binary: $<envVar>, the cache, or a fresh `go install`
 * (nice'd: it competes with the engine for a small machine's cores). The
 * build lands in a temporary directory first and is renamed into place, so a
 * concurrent or interrupted build never leaves a half-written binary.
 */
export function goToolBinary(
  tool: GoTool,
  /** env: the caller's environment (its CLI read it at the edge): the override variable, PATH for `go`, and the base of go's own environment. */
  opts: { env: NodeJS.ProcessEnv; root?: string; onBuild?: (what: string) => void },
): Promise<string> {
  const env = opts.env;
  const override = env[tool.envVar];
  if (override) return Promise.resolve(override);
  const bin = goToolCachePath(tool, opts.root);
  if (existsSync(bin)) return Promise.resolve(bin);
  let p = inFlight.get(bin);
  if (!p) {
    p = build(tool, bin, env, opts.onBuild).finally(() => inFlight.delete(bin));
    inFlight.set(bin, p);
  }
  return p;
}

async function build(tool: GoTool, bin: string, env: NodeJS.ProcessEnv, onBuild?: (what: string) => void): Promise<string> {
  const dir = dirname(bin);
  mkdirSync(dir, { recursive: true });
  if (!onPath("go", env.PATH)) {
    throw new GoToolUnavailable(
      `${tool.name} ${tool.version} is built with Go from the Go module proxy, but \`go\` could not run (not on PATH). Install Go (https://go.dev/doc/install) or set ${tool.envVar}=/path/to/${tool.name}.`,
    );
  }
  const tmp = mkdtempSync(join(dir, ".build-"));
  onBuild?.(`${tool.name} ${tool.version}: building ${tool.pkg} from the Go module proxy (first use; cached in ${dir})`);
  try {
    // Another process (a parallel test file) building the same tool waits on this lock, then
    // finds Go's build cache warm: one cold build per machine, not one per process.
    const install = ["nice", "-n", "10", "go", "install", `${tool.pkg}@${tool.version}`];
    const [cmd, ...args] = existsSync(FLOCK) ? [FLOCK, join(dir, ".build.lock"), ...install] : install;
    const { code, stdout, stderr } = await execTool(cmd!, args, {
      ...env,
      GOBIN: tmp,
      CGO_ENABLED: "0",
      // The proxy only: a module it refuses must fail here, not fall back to a VCS host we cannot reach.
      GOPROXY: "https://proxy.golang.org",
      GOFLAGS: "",
    });
    const output = `${stdout}${stderr}`;
    if (code !== 0 || !existsSync(join(tmp, tool.name))) {
      throw new GoToolUnavailable(
        `go install ${tool.pkg}@${tool.version} failed (exit ${code}); set ${tool.envVar}=/path/to/${tool.name} to use another build:\n${output.trim().split("\n").slice(-15).join("\n")}`,
      );
    }
    renameSync(join(tmp, tool.name), bin);
    return bin;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function onPath(cmd: string, path: string | undefined): boolean {
  return (path ?? "").split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, cmd), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
