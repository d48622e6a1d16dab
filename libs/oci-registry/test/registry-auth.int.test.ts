import { createServer } from "node:http";
import { rejection } from "@image-tooling/test-support/rejection";
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RegistryClient } from "../src/client.ts";
import { RegistryError } from "../src/errors.ts";
import { seedImage } from "@image-tooling/test-support/oci-image";
import { startTestRegistry, type TestRegistry } from "@image-tooling/test-support/registry-server";
import { startTokenServer, type TokenServer } from "@image-tooling/test-support/token-server";

// Distinctive, so a leak anywhere in an error cannot be a coincidence.
const PASSWORD = "s3cr3t-Pa55-do-NOT-print-7f3a";
const WRONG = "wr0ng-Pa55-also-secret-91bc";

/** Everything a logger or a test reporter could print of an error: message, stack, causes, own properties, JSON. */
function printable(e: unknown): string {
  return [String(e), (e as Error).stack ?? "", inspect(e, { depth: 10, showHidden: true }), JSON.stringify(e)].join("\n");
}

function expectNoSecrets(text: string, username: string): void {
  for (const secret of [PASSWORD, WRONG]) {
    expect(text).not.toContain(secret);
    expect(text).not.toContain(Buffer.from(`${username}:${secret}`).toString("base64"));
  }
}

describe("registry with htpasswd (Basic) auth", () => {
  let registry: TestRegistry;

  beforeAll(async () => {
    registry = await startTestRegistry({ htpasswd: [{ username: "ci", password: PASSWORD }] });
  });
  afterAll(async () => {
    await registry?.stop();
  });

  it("works with the right credentials", async () => {
    const client = new RegistryClient({ registry: registry.host, username: "ci", password: PASSWORD });
    expect(await client.ping({ repository: "team/app", push: true })).toEqual({ registry: registry.host, auth: "basic" });
    const image = await seedImage(client, "team/app", "1.0.0");
    expect(await client.listTags("team/app")).toEqual(["1.0.0"]);
    expect(await client.manifestDigest("team/app", "1.0.0")).toBe(image.digest);
    expect((await client.imageConfig("team/app", "1.0.0", "linux/arm64")).config?.Labels).toEqual({ platform: "linux/arm64" });
    // Errors of an authenticated client do not carry its password either.
    expectNoSecrets(printable(await rejection(client.getManifest("team/app", "9.9.9"), RegistryError)), "ci");
    expectNoSecrets(inspect(client, { depth: 10, showHidden: true }), "ci");
  });

  it("rejects wrong credentials with a clear message and no password in it", async () => {
    const client = new RegistryClient({ registry: registry.host, username: "ci", password: WRONG });
    const attempts = [
      () => client.ping(),
      () => client.listTags("team/app"),
      () => client.putManifest("team/app", "x", { mediaType: "application/json", bytes: Buffer.from("{}") }),
    ];
    for (const attempt of attempts) {
      const e = await rejection(attempt(), RegistryError);
      expect(e.kind).toBe("unauthorized");
      expect(e.message).toBe(`registry ${registry.host} rejected the credentials for user 'ci': check REGISTRY_USERNAME / REGISTRY_PASSWORD`);
      expect(e.status).toBe(401);
      expectNoSecrets(printable(e), "ci");
    }
  });

  it("asks for credentials when none were given", async () => {
    const e = await rejection(new RegistryClient({ registry: registry.host }).listTags("team/app"), RegistryError);
    expect(e.kind).toBe("unauthorized");
    expect(e.message).toBe(`registry ${registry.host} requires credentials to read ${registry.host}/team/app: set REGISTRY_USERNAME / REGISTRY_PASSWORD`);
  });

  it("wants both a username and a password, or neither", () => {
    const half = (options: { username?: string; password?: string }) => {
      try {
        new RegistryClient({ registry: registry.host, ...options });
      } catch (e) {
        return e as RegistryError;
      }
      throw new Error("expected the client to refuse half a login");
    };
    const noPassword = half({ username: "ci", password: "" });
    expect([noPassword.kind, noPassword.message]).toEqual([
      "unauthorized",
      `registry ${registry.host}: user 'ci' is configured but no password: set REGISTRY_PASSWORD, or unset REGISTRY_USERNAME to read anonymously`,
    ]);
    expect(half({ password: PASSWORD }).message).toBe(`registry ${registry.host}: a password is configured but no user: set REGISTRY_USERNAME`);
    expect(() => new RegistryClient({ registry: "docker.io", username: "ci" })).toThrow("set REGISTRY_PASSWORD (or DOCKERHUB_TOKEN)");
  });
});

describe("registry with token (Bearer) auth", () => {
  let tokens: TokenServer;
  let registry: TestRegistry;
  const users = {
    ci: { password: PASSWORD },
    reader: { password: PASSWORD, grant: () => ["pull"] },
  };

  beforeAll(async () => {
    tokens = await startTokenServer({ users, anonymous: () => ["pull"] });
    registry = await startTestRegistry({ token: tokens });
  });
  afterAll(async () => {
    await registry?.stop();
    await tokens?.stop();
  });

  it("gets tokens for the scopes it needs, reuses them, and does the whole round trip", async () => {
    const client = new RegistryClient({ registry: registry.host, username: "ci", password: PASSWORD });
    expect(await client.ping({ repository: "team/app", push: true })).toEqual({ registry: registry.host, auth: "bearer", push: "granted" });
    const image = await seedImage(client, "team/app", "1.0.0");
    const m = await client.getManifest("team/app", "1.0.0");
    expect(await client.putManifest("team/app", "latest", m)).toBe(image.digest);
    expect((await client.listTags("team/app")).sort()).toEqual(["1.0.0", "latest"]);
    expect((await client.imageConfig("team/app", "latest", "linux/amd64")).config?.Labels).toEqual({ platform: "linux/amd64" });

    // One token per scope set for the whole session, not one per request.
    const asked = tokens.requests.filter((r) => r.account === "ci").map((r) => r.scopes.join(" "));
    expect(asked.sort()).toEqual(["repository:team/app:pull", "repository:team/app:pull,push"]);
  });

  it("rejects wrong credentials at the token service, with no password in the error", async () => {
    const client = new RegistryClient({ registry: registry.host, username: "ci", password: WRONG });
    for (const attempt of [() => client.ping(), () => client.manifestDigest("team/app", "1.0.0")]) {
      const e = await rejection(attempt(), RegistryError);
      expect(e.kind).toBe("unauthorized");
      expect(e.message).toBe(`registry ${registry.host} rejected the credentials for user 'ci': check REGISTRY_USERNAME / REGISTRY_PASSWORD`);
      expectNoSecrets(printable(e), "ci");
    }
  });

  it("tells an account that may read but not push, before and during a push", async () => {
    const client = new RegistryClient({ registry: registry.host, username: "reader", password: PASSWORD });
    const denied = `registry ${registry.host} does not let user 'reader' push to ${registry.host}/team/app: check that the account (or token) has write access to that repository and IMAGE_NAMESPACE is right`;
    const early = await rejection(client.ping({ repository: "team/app", push: true }), RegistryError);
    expect([early.kind, early.message]).toEqual(["denied", denied]);
    expect(await client.manifestDigest("team/app", "1.0.0")).toMatch(/^sha256:/);
    const m = await client.getManifest("team/app", "1.0.0");
    const late = await rejection(client.putManifest("team/app", "2", m), RegistryError);
    expect([late.kind, late.message, late.status]).toEqual(["denied", denied, 401]);
    expectNoSecrets(printable(late), "reader");
  });

  it("reads anonymously where the token service allows it, and asks for credentials to push", async () => {
    const client = new RegistryClient({ registry: registry.host });
    expect(await client.listTags("team/app")).toContain("1.0.0");
    const m = await client.getManifest("team/app", "1.0.0");
    const e = await rejection(client.putManifest("team/app", "3", m), RegistryError);
    expect(e.kind).toBe("unauthorized");
    expect(e.message).toBe(`registry ${registry.host} requires credentials to push to ${registry.host}/team/app: set REGISTRY_USERNAME / REGISTRY_PASSWORD`);
  });
});

describe("a registry that echoes credentials back", () => {
  it("has them redacted from the error it causes", async () => {
    // A misbehaving proxy quoting the request in its error page: the client must not pass that on.
    const echo = createServer((req, res) => {
      const auth = req.headers.authorization;
      if (!auth) return res.writeHead(401, { "www-authenticate": 'Basic realm="echo"' }).end();
      const decoded = Buffer.from(auth.replace(/^Basic /, ""), "base64").toString();
      res
        .writeHead(502, { "content-type": "application/json" })
        .end(JSON.stringify({ errors: [{ code: "UNKNOWN", message: `upstream refused ${auth} (${decoded})` }] }));
    });
    await new Promise<void>((r) => echo.listen(0, "127.0.0.1", r));
    const host = `127.0.0.1:${(echo.address() as { port: number }).port}`;
    try {
      const retries: string[] = [];
      const client = new RegistryClient({
        registry: host,
        username: "ci",
        password: PASSWORD,
        retry: { retries: 1, baseMs: 10 },
        onRetry: (l) => retries.push(l),
      });
      const e = await rejection(client.listTags("team/app"), RegistryError);
      expect(e.kind).toBe("protocol");
      expect(e.message).toBe(
        `registry ${host} answered HTTP 502 (UNKNOWN: upstream refused Basic *** (ci:***)) while listing tags of ${host}/team/app (bad gateway (HTTP 502); gave up after 2 attempts (IMAGE_REGISTRY_RETRIES=1)): a server-side error; re-run later, or check the registry's health`,
      );
      expect(retries).toHaveLength(1);
      for (const line of retries) expectNoSecrets(line, "ci");
      expectNoSecrets(printable(e), "ci");
    } finally {
      await new Promise((r) => echo.close(r));
    }
  });
});
