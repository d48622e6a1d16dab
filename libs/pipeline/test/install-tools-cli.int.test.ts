import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { INSTALL_ROOT } from "@image-tooling/cli-support";

// `npm run tools:attest` as a user runs it: HELPER_TOOLS is read there, once.
const attest = (env: Record<string, string>) =>
  spawnSync(process.execPath, ["--import", "tsx", "libs/pipeline/src/attest/install-tools.ts"], {
    cwd: INSTALL_ROOT,
    encoding: "utf8",
    env: { PATH: process.env.PATH, ...env },
  });

describe("npm run tools:attest", () => {
  it("refuses an unknown HELPER_TOOLS with one line saying what it accepts, and no stack trace", () => {
    const r = attest({ HELPER_TOOLS: "compile" });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      "tools:attest: HELPER_TOOLS=compile is not a mode: use download (verified release binaries), build (Go from the module proxy) or auto (download when reachable, else build; the default)\n",
    );
    expect(r.stdout).toBe("");
  });

  it("says the mode and, per helper, what it installed; an override variable wins in every mode", () => {
    const r = attest({ HELPER_TOOLS: "download", COSIGN_BIN: "/opt/cosign", SYFT_BIN: "/opt/syft", GRYPE_BIN: "/opt/grype" });
    expect(r.stderr).toBe("tools:attest: HELPER_TOOLS=download\n");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /^cosign 3\.1\.3: \/opt\/cosign \(from its override variable; [\d.]+ m?s\)\nsyft \S+: \/opt\/syft \(from its override variable; [\d.]+ m?s\)\ngrype \S+: \/opt\/grype /,
    );
  });
});
