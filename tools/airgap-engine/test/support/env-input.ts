import type { HarnessEnvVars } from "../../src/render.ts";

/** What provision passes to harnessEnvVars on a typical machine; tests override what they look at. */
export function sampleEnvInput(overrides: Partial<HarnessEnvVars> = {}): HarnessEnvVars {
  return {
    cliBin: "/var/cache/image-tooling/dagger/v0.21.8-abc/bin/dagger",
    engineContainer: "image-tooling-dagger-engine",
    registryAddr: "127.0.0.1:5000",
    bridgeHost: "172.17.0.1",
    registryPort: 5000,
    testPorts: { first: 5001, last: 5019 },
    engineTcp: "tcp://172.17.0.2:1234",
    daggerVersion: "0.21.8",
    debianBaseRef: `docker.io/library/debian:bookworm-slim@sha256:${"a".repeat(64)}`,
    registryImageRef: `docker.io/library/registry:2@sha256:${"b".repeat(64)}`,
    platforms: ["linux/amd64", "linux/arm64"],
    envFile: "/var/lib/image-tooling/harness/env",
    ...overrides,
  };
}
