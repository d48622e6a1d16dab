#!/usr/bin/env tsx
/**
 * Builds the pinned cosign, syft and grype into node_modules/.cache now rather than
 * on the first publish: `npm test` runs it before the tests, so no test's
 * timeout has to cover a cold Go build. Seconds when all are cached.
 *
 *   npm run tools:attest
 */
import { goToolBinary } from "./go-tool.ts";
import { COSIGN, GRYPE, SYFT } from "./tools.ts";

async function main(): Promise<void> {
  for (const tool of [COSIGN, SYFT, GRYPE]) {
    const t0 = Date.now();
    const bin = await goToolBinary(tool, { onBuild: (what) => process.stderr.write(`${what}\n`) });
    process.stdout.write(`${tool.name} ${tool.version}: ${bin} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`tools:attest: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
