import type { GoTool } from "./go-tool.ts";

/**
 * The supply-chain tools, pinned. Both are built from the Go module proxy on
 * first use (see go-tool.ts); on GitHub runners release.yml builds the same
 * versions the same way, so what signs there is what is tested here.
 *
 * cosign v3.1.3: the newest v3 release the proxy serves. v3 writes Sigstore
 * bundles attached through the OCI referrers API, falling back to the
 * referrers tag scheme (`sha256-<hex>`) on registries without it, so the
 * image index itself never changes.
 * syft v1.57.2: the newest release the proxy serves; writes SPDX 2.3 JSON.
 * grype v0.121.3: scans those SBOMs (no second pull of the image) against a
 * v6 database; v0.122 needs a newer Go than our machines have.
 */
export const COSIGN: GoTool = { name: "cosign", pkg: "github.com/sigstore/cosign/v3/cmd/cosign", version: "v3.1.3", envVar: "COSIGN_BIN" };
export const SYFT: GoTool = { name: "syft", pkg: "github.com/anchore/syft/cmd/syft", version: "v1.57.2", envVar: "SYFT_BIN" };
export const GRYPE: GoTool = { name: "grype", pkg: "github.com/anchore/grype/cmd/grype", version: "v0.121.3", envVar: "GRYPE_BIN" };
