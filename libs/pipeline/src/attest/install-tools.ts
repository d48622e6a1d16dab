#!/usr/bin/env tsx
/**
 * Installs the pinned cosign, syft and grype (libs/pipeline/helper-tools.lock.json)
 * into node_modules/.cache now rather than on the first publish: `npm test` and
 * the workflows run it first, so no step's timeout has to cover a cold Go build.
 * Seconds when all are cached.
 *
 *   npm run tools:attest                      # HELPER_TOOLS=auto
 *   HELPER_TOOLS=download npm run tools:attest
 *
 * HELPER_TOOLS (read here, once): download = the upstream release binaries,
 * each checked against the lock's sha256 (GitHub runners); build = Go from the
 * module proxy (our machines); auto (default) = download when the release host
 * answers within a few seconds, else build. TOOLS_MIRROR applies to the
 * downloads as it does to tools:update.
 */
import { Http, parseMirror } from "../http/index.ts";
import { INSTALL_ROOT } from "@image-tooling/cli-support";
import { archOf, helperEntry, parseHelperMode } from "./helper-lock.ts";
import { type Installed, installHelper } from "./install-helper.ts";
import { COSIGN, GRYPE, helperLock, SYFT } from "./tools.ts";
import { runMain } from "@image-tooling/cli-support";
import { formatDuration } from "@image-tooling/cli-support";

// auto's bounded check: a release host that has not answered by then counts as unreachable.
const AUTO_DEADLINE_MS = 8_000;
const DOWNLOAD_DEADLINE_MS = 60_000;

const said = (i: Installed): string =>
  i.how === "downloaded"
    ? "downloaded, sha256 verified"
    : i.how === "verified earlier"
      ? "release binary, verified earlier"
      : i.how === "override"
        ? "from its override variable"
        : `${i.how} with Go${i.why ? `: ${i.why}` : ""}`;

async function main(): Promise<void> {
  const env = process.env;
  const mode = parseHelperMode(env.HELPER_TOOLS);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const http = new Http({ mirror: parseMirror(env.TOOLS_MIRROR), timeoutMs: mode === "auto" ? AUTO_DEADLINE_MS : DOWNLOAD_DEADLINE_MS, log });
  log(`tools:attest: HELPER_TOOLS=${mode}`);
  for (const tool of [COSIGN, SYFT, GRYPE]) {
    const t0 = Date.now();
    const entry = helperEntry(helperLock(), tool.name);
    const installed = await installHelper(tool.name, entry, tool, {
      mode,
      root: INSTALL_ROOT,
      env,
      platform: process.platform,
      arch: archOf(process.arch),
      http,
      log,
    });
    process.stdout.write(`${tool.name} ${entry.version}: ${installed.bin} (${said(installed)}; ${formatDuration(Date.now() - t0)})\n`);
  }
}

runMain("tools:attest", async () => {
  await main();
  return 0;
});
