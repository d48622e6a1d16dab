import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { GoTool } from "@image-tooling/go-tool";
import { INSTALL_ROOT } from "@image-tooling/cli-support";
import { HELPER_LOCK_FILE, type HelperLock, helperEntry, parseHelperLock } from "./helper-lock.ts";

/**
 * The supply-chain tools, pinned in libs/pipeline/helper-tools.lock.json: one
 * version each, wherever it runs. Where release downloads are reachable
 * (GitHub runners) `npm run tools:attest` installs the upstream binary after
 * checking its sha256 against the lock; elsewhere (our machines) it builds
 * the same version with Go from the module proxy (see install-helper.ts).
 * Both land in the one cache slot goToolBinary reads, so the pipeline runs
 * exactly what was installed.
 *
 * cosign 3.x writes Sigstore bundles attached through the OCI referrers API,
 * falling back to the referrers tag scheme (`sha256-<hex>`) on registries
 * without it, so the image index itself never changes.
 * syft writes SPDX 2.3 JSON.
 * grype scans those SBOMs (no second pull of the image) against a v6
 * database; it stays on the 0.121 line (the lock's track) because v0.122
 * needs a newer Go than our machines have.
 */
let lock: HelperLock | undefined;

/** The lock, read on first use: a broken lock is then reported where the pipeline reports bad metadata, not as a failed import. */
export function helperLock(): HelperLock {
  lock ??= parseHelperLock(readFileSync(join(INSTALL_ROOT, HELPER_LOCK_FILE), "utf8"));
  return lock;
}

/** The Go side of a lock entry: `go install <goPackage>@v<version>`, and the variable naming another binary. */
function goTool(name: string, envVar: string): GoTool {
  return {
    name,
    envVar,
    get pkg() {
      return helperEntry(helperLock(), name).goPackage;
    },
    get version() {
      return `v${helperEntry(helperLock(), name).version}`;
    },
  };
}

export const COSIGN: GoTool = goTool("cosign", "COSIGN_BIN");
export const SYFT: GoTool = goTool("syft", "SYFT_BIN");
export const GRYPE: GoTool = goTool("grype", "GRYPE_BIN");
