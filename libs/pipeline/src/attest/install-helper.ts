import { existsSync } from "node:fs";
import type { Arch } from "@image-tooling/image-metadata";
import { FetchError, type Http } from "../http/index.ts";
import { downloadHelper, isVerifiedDownload } from "./download-helper.ts";
import { type GoTool, goToolBinary, goToolCachePath } from "@image-tooling/go-tool";
import { downloadPin, type HelperMode, type HelperTool } from "./helper-lock.ts";

/** What one helper's installation did, in words for the log. */
export interface Installed {
  bin: string;
  how: "override" | "downloaded" | "verified earlier" | "built" | "built earlier";
  /** Why it was built rather than downloaded, when that was not asked for. */
  why?: string;
}

export interface InstallContext {
  mode: HelperMode;
  /** Workspace root: the binary goes to node_modules/.cache/<tool>/v<version>/. */
  root: string;
  /** For the override variable (COSIGN_BIN…), Go's PATH and tar's PATH. */
  env: NodeJS.ProcessEnv;
  platform: string;
  arch: Arch | null;
  /** HTTPS client for release downloads; in auto mode, one with a short deadline: the bounded check. */
  http: Http;
  log: (line: string) => void;
}

// A network failure before any byte, in auto mode, means "downloads are not reachable here": build instead.
const unreachable = (e: unknown): e is FetchError => e instanceof FetchError && (e.kind === "unreachable" || e.kind === "timeout" || e.kind === "tls");

/**
 * Puts the pinned helper into its cache slot, the one goToolBinary (and so the
 * whole pipeline) runs: the verified release download or a Go build of the
 * same version, as the mode says.
 *  - download: the release binary, sha256-checked; any failure stops (a
 *    helper the lock pins no download for is built, and said so).
 *  - build: Go from the module proxy (the slot's binary if it holds one).
 *  - auto: whatever the slot holds, else download; when the release host
 *    cannot be reached, build. A wrong sha256 is never a reason to fall back:
 *    it stops, like in download mode.
 */
export async function installHelper(name: string, entry: HelperTool, go: GoTool, ctx: InstallContext): Promise<Installed> {
  const override = ctx.env[go.envVar];
  if (override) return { bin: override, how: "override" };
  const bin = goToolCachePath(go, ctx.root);
  const build = async (why?: string): Promise<Installed> => {
    const existed = existsSync(bin);
    if (why && !existed) ctx.log(`${name} ${entry.version}: ${why}; building it with Go`);
    await goToolBinary(go, { env: ctx.env, root: ctx.root, onBuild: ctx.log });
    return { bin, how: existed ? "built earlier" : "built", ...(why ? { why } : {}) };
  };
  if (ctx.mode === "build") return build();
  const pin = downloadPin(name, entry, ctx.platform, ctx.arch);
  if ("none" in pin) return build(pin.none);
  if (await isVerifiedDownload(bin, pin)) return { bin, how: "verified earlier" };
  if (ctx.mode === "auto" && existsSync(bin)) return { bin, how: "built earlier" };
  try {
    await downloadHelper(ctx.http, pin, bin, ctx.env);
    return { bin, how: "downloaded" };
  } catch (e) {
    if (ctx.mode === "auto" && unreachable(e)) return build(`HELPER_TOOLS=auto: ${e.message}`);
    if (e instanceof FetchError)
      throw new FetchError(
        e.kind,
        `${name} ${entry.version} (linux/${pin.arch}): ${e.message}. HELPER_TOOLS=build compiles it from the Go module proxy instead.`,
        e.host,
        e.status,
      );
    throw e;
  }
}
