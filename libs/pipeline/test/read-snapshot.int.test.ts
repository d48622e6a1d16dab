import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INPUTS_DIGEST_LABEL } from "../src/build/labels.ts";
import { readSnapshot } from "../src/plan/read-snapshot.ts";
import { RegistryClient } from "@image-tooling/oci-registry";
import { seedImage } from "@image-tooling/test-support/oci-image";
import { startTestRegistry, type TestRegistry } from "@image-tooling/test-support/registry-server";

// The planner's one read of the registry, against a real docker-registry
// process: what it reads, and that it reads the parent only for an image
// about to be built.
const INPUTS = `sha256:${"a".repeat(64)}`;
const PARENT_INPUTS = `sha256:${"c".repeat(64)}`;

describe("readSnapshot against docker-registry", () => {
  let registry: TestRegistry;
  let client: RegistryClient;
  const parent = { repository: "acme/base", tag: "2.0.0", platform: "linux/arm64" };

  beforeAll(async () => {
    registry = await startTestRegistry();
    client = new RegistryClient({ registry: registry.host, timeoutMs: 5000 });
  });
  afterAll(async () => {
    await registry?.stop();
  });

  it("an image with X.Y.Z and some floating tags: their digests and X.Y.Z's inputs label; the parent is not read", async () => {
    const published = await seedImage(client, "acme/child", "1.1.0", { labels: { [INPUTS_DIGEST_LABEL]: INPUTS } });
    const older = await seedImage(client, "acme/child", "1.0.0", { labels: { [INPUTS_DIGEST_LABEL]: `sha256:${"0".repeat(64)}` } });
    await client.putManifest("acme/child", "1", { mediaType: older.mediaType, bytes: older.bytes });
    await client.putManifest("acme/child", "latest", { mediaType: published.mediaType, bytes: published.bytes });
    await client.putManifest("acme/child", "edge", { mediaType: published.mediaType, bytes: published.bytes });

    const snapshot = await readSnapshot(client, {
      repository: "acme/child",
      immutable: "1.1.0",
      floating: ["1.1", "1", "latest"],
      platform: "linux/amd64",
      parent,
    });
    expect(snapshot).toEqual({
      tags: expect.arrayContaining(["1.0.0", "1.1.0", "1", "latest", "edge"]),
      immutable: { digest: published.digest, inputsDigest: INPUTS },
      floating: { "1": older.digest, latest: published.digest },
    });
    expect(snapshot.tags).toHaveLength(5);
    expect("parent" in snapshot).toBe(false);
  });

  it("an image to be built: its parent as published, or null when absent; no X.Y.Z", async () => {
    const query = { repository: "acme/new", immutable: "1.0.0", floating: ["1.0", "1", "latest"], platform: "linux/amd64", parent };
    expect(await readSnapshot(client, query)).toEqual({ tags: [], floating: {}, parent: null });

    const base = await seedImage(client, "acme/base", "2.0.0", { labels: { [INPUTS_DIGEST_LABEL]: PARENT_INPUTS } });
    expect(await readSnapshot(client, query)).toEqual({ tags: [], floating: {}, parent: { digest: base.digest, inputsDigest: PARENT_INPUTS } });
    // After the push, the applier reads again without the parent.
    expect(await readSnapshot(client, query, { parent: false })).toEqual({ tags: [], floating: {} });
  });

  it("an image without the inputs label reads as unlabelled", async () => {
    const bare = await seedImage(client, "acme/bare", "0.1.0");
    const snapshot = await readSnapshot(client, { repository: "acme/bare", immutable: "0.1.0", floating: [], platform: "linux/amd64" });
    expect(snapshot.immutable).toEqual({ digest: bare.digest, inputsDigest: undefined });
  });
});
