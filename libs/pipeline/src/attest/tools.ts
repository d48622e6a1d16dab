import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type GoTool, REPO_ROOT } from "./go-tool.ts";
import { HELPER_LOCK_FILE, type HelperLock, type HelperTool, helperEntry, parseHelperLock } from "./helper-lock.ts";

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
export const HELPER_LOCK: HelperLock = parseHelperLock(readFileSync(join(REPO_ROOT, HELPER_LOCK_FILE), "utf8"));

/** The Go side of a lock entry: `go install <goPackage>@v<version>`, and the variable naming another binary. */
export const goToolOf = (name: string, entry: HelperTool, envVar: string): GoTool => ({ name, pkg: entry.goPackage, version: `v${entry.version}`, envVar });

export const COSIGN: GoTool = goToolOf("cosign", helperEntry(HELPER_LOCK, "cosign"), "COSIGN_BIN");
export const SYFT: GoTool = goToolOf("syft", helperEntry(HELPER_LOCK, "syft"), "SYFT_BIN");
export const GRYPE: GoTool = goToolOf("grype", helperEntry(HELPER_LOCK, "grype"), "GRYPE_BIN");
