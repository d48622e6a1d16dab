import { describe, expect, it } from "vitest";
import { InvalidReferenceError } from "../src/errors.ts";
import { grantedActions, parseWwwAuthenticate, pickChallenge, repositoryScope } from "../src/auth.ts";
import { nextLink } from "../src/client.ts";
import { Redactor } from "../src/errors.ts";
import { formatPlatform, isAttestation, parsePlatform, platformMatches } from "../src/media.ts";
import { apiRepository, imageRef, isLoopback, registryEndpoint, repositoryName, repositoryRef } from "../src/reference.ts";
import { networkReason } from "../src/transport.ts";

describe("registryEndpoint", () => {
  it.each([
    ["docker.io", "https://registry-1.docker.io", true],
    ["index.docker.io", "https://registry-1.docker.io", true],
    ["Docker.IO", "https://registry-1.docker.io", true],
    ["ghcr.io", "https://ghcr.io", false],
    ["registry.example.com:5000", "https://registry.example.com:5000", false],
    ["localhost", "http://localhost", false],
    ["localhost:5000", "http://localhost:5000", false],
    ["127.0.0.1:5000", "http://127.0.0.1:5000", false],
    ["127.0.0.1", "http://127.0.0.1", false],
    ["[::1]:5000", "http://[::1]:5000", false],
    ["10.0.0.5:5000", "https://10.0.0.5:5000", false],
  ])("%s → %s", (registry, baseUrl, dockerHub) => {
    expect(registryEndpoint(registry)).toEqual({ registry: registry.toLowerCase(), baseUrl, dockerHub });
  });

  it.each(["https://ghcr.io", "ghcr.io/org", "", "ghcr.io:port", "my registry"])("rejects %j, naming IMAGE_REGISTRY", (registry) => {
    expect(() => registryEndpoint(registry)).toThrow(/invalid registry .*check IMAGE_REGISTRY/);
    expect(() => registryEndpoint(registry)).toThrow(InvalidReferenceError);
  });

  it("speaks plain http to a network registry only when told to (an insecure registry on a bridge)", () => {
    expect(registryEndpoint("172.17.0.1:5000", { plainHttp: true }).baseUrl).toBe("http://172.17.0.1:5000");
    expect(registryEndpoint("172.17.0.1:5000").baseUrl).toBe("https://172.17.0.1:5000");
    expect(registryEndpoint("docker.io", { plainHttp: true }).baseUrl).toBe("https://registry-1.docker.io");
  });

  it("treats only loopback hosts as plain http", () => {
    expect(["localhost:1", "127.0.0.1", "127.1.2.3:80", "[::1]:5000", "[::1]"].map(isLoopback)).toEqual([true, true, true, true, true]);
    expect(["localhost.example.com", "128.0.0.1", "[::2]:5000", "ghcr.io"].map(isLoopback)).toEqual([false, false, false, false]);
  });
});

describe("repository names and references", () => {
  it("adds library/ only for single-segment Docker Hub repositories", () => {
    const hub = registryEndpoint("docker.io");
    expect(apiRepository(hub, "alpine")).toBe("library/alpine");
    expect(apiRepository(hub, "team/tooling-k8s")).toBe("team/tooling-k8s");
    expect(apiRepository(registryEndpoint("ghcr.io"), "alpine")).toBe("alpine");
  });

  it("composes <registry>/<namespace>/<image>", () => {
    expect(repositoryRef("docker.io", "team", "tooling-k8s")).toBe("docker.io/team/tooling-k8s");
    expect(repositoryRef("ghcr.io", "org/sub/", "pandoc")).toBe("ghcr.io/org/sub/pandoc");
    expect(repositoryRef("127.0.0.1:5000", "", "buildx")).toBe("127.0.0.1:5000/buildx");
    expect(repositoryName(undefined, "buildx")).toBe("buildx");
  });

  it("rejects names the registry would refuse, naming IMAGE_NAMESPACE", () => {
    expect(() => repositoryRef("ghcr.io", "MyOrg", "pandoc")).toThrow(/invalid repository name "MyOrg\/pandoc".*check IMAGE_NAMESPACE/);
    expect(() => repositoryRef("ghcr.io", "MyOrg", "pandoc")).toThrow(InvalidReferenceError);
    expect(() => repositoryName("a//b", "x")).toThrow(/invalid repository name/);
    expect(() => repositoryName("team", "-x")).toThrow(/invalid repository name/);
  });

  it("writes tags with : and digests with @", () => {
    const digest = `sha256:${"a".repeat(64)}`;
    expect(imageRef("ghcr.io/org/pandoc", "1.2.3")).toBe("ghcr.io/org/pandoc:1.2.3");
    expect(imageRef("ghcr.io/org/pandoc", digest)).toBe(`ghcr.io/org/pandoc@${digest}`);
    expect(() => imageRef("ghcr.io/org/pandoc", "feature/x")).toThrow(/invalid tag "feature\/x"/);
    expect(() => imageRef("ghcr.io/org/pandoc", "feature/x")).toThrow(InvalidReferenceError);
    expect(() => imageRef("ghcr.io/org/pandoc", "a".repeat(129))).toThrow(/invalid tag/);
  });
});

describe("parseWwwAuthenticate", () => {
  it("reads Docker Hub's Bearer challenge", () => {
    const header = 'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"';
    expect(parseWwwAuthenticate(header)).toEqual([
      { scheme: "Bearer", params: { realm: "https://auth.docker.io/token", service: "registry.docker.io", scope: "repository:library/alpine:pull" } },
    ]);
  });

  it("keeps commas and spaces inside quoted values and reads error parameters", () => {
    const header = 'Bearer realm="http://127.0.0.1:1/token",service="test",scope="repository:a/b:pull,push repository:c:pull",error="insufficient_scope"';
    expect(parseWwwAuthenticate(header)[0]!.params).toEqual({
      realm: "http://127.0.0.1:1/token",
      service: "test",
      scope: "repository:a/b:pull,push repository:c:pull",
      error: "insufficient_scope",
    });
  });

  it("splits several challenges joined into one header", () => {
    expect(parseWwwAuthenticate('Basic realm="reg, with comma", Bearer realm="https://t/token",service=svc')).toEqual([
      { scheme: "Basic", params: { realm: "reg, with comma" } },
      { scheme: "Bearer", params: { realm: "https://t/token", service: "svc" } },
    ]);
  });

  it("accepts unquoted values, spaces around =, escaped quotes and any case", () => {
    expect(parseWwwAuthenticate('basic Realm = "a \\"q\\" b" , charset=UTF-8')).toEqual([{ scheme: "basic", params: { realm: 'a "q" b', charset: "UTF-8" } }]);
  });

  it("survives challenges it cannot use", () => {
    expect(parseWwwAuthenticate("")).toEqual([]);
    expect(parseWwwAuthenticate("Negotiate abc==, Basic realm=x").map((c) => c.scheme)).toEqual(["Negotiate", "Basic"]);
    expect(parseWwwAuthenticate("Basic").map((c) => c.scheme)).toEqual(["Basic"]);
  });

  it("prefers Bearer over Basic", () => {
    expect(pickChallenge(parseWwwAuthenticate('Basic realm="a", Bearer realm="b"'))?.scheme).toBe("Bearer");
    expect(pickChallenge(parseWwwAuthenticate('Basic realm="a"'))?.scheme).toBe("Basic");
    expect(pickChallenge(parseWwwAuthenticate("Negotiate"))).toBeUndefined();
  });

  it("asks pull for reads and pull,push for writes", () => {
    expect(repositoryScope("team/app", "pull")).toBe("repository:team/app:pull");
    expect(repositoryScope("team/app", "push")).toBe("repository:team/app:pull,push");
  });
});

describe("grantedActions", () => {
  const jwt = (claims: unknown) => ["e30", Buffer.from(JSON.stringify(claims)).toString("base64url"), "sig"].join(".");

  it("reads the access claim of a JWT for one repository", () => {
    const token = jwt({
      access: [
        { type: "repository", name: "team/app", actions: ["pull"] },
        { type: "repository", name: "other", actions: ["push"] },
      ],
    });
    expect(grantedActions(token, "team/app")).toEqual(["pull"]);
    expect(grantedActions(token, "missing")).toEqual([]);
  });

  it("cannot tell for opaque tokens", () => {
    expect(grantedActions("djE6b3BhcXVl", "team/app")).toBeUndefined();
    expect(grantedActions(jwt({ sub: "x" }), "team/app")).toBeUndefined();
    expect(grantedActions("a.%%%.c", "team/app")).toBeUndefined();
  });
});

describe("nextLink", () => {
  it("finds rel=next among links", () => {
    expect(nextLink('</v2/a/tags/list?last=b&n=2>; rel="next"')).toBe("/v2/a/tags/list?last=b&n=2");
    expect(nextLink('<https://r/v2/x?p=1>; rel="prev", <https://r/v2/x?p=3>; rel=next')).toBe("https://r/v2/x?p=3");
    expect(nextLink('</v2/a>; rel="prev"')).toBeUndefined();
    expect(nextLink(null)).toBeUndefined();
  });
});

describe("platforms", () => {
  it("parses and formats os/architecture[/variant]", () => {
    expect(parsePlatform("linux/arm64")).toEqual({ os: "linux", architecture: "arm64" });
    expect(formatPlatform(parsePlatform("linux/arm/v7"))).toBe("linux/arm/v7");
    expect(() => parsePlatform("arm64")).toThrow(/invalid platform "arm64"/);
    expect(() => parsePlatform("linux/arm/v7/x")).toThrow(/invalid platform/);
  });

  it("matches any variant when none is asked for", () => {
    expect(platformMatches(parsePlatform("linux/arm64"), { os: "linux", architecture: "arm64", variant: "v8" })).toBe(true);
    expect(platformMatches(parsePlatform("linux/arm/v7"), { os: "linux", architecture: "arm", variant: "v6" })).toBe(false);
    expect(platformMatches(parsePlatform("linux/amd64"), undefined)).toBe(false);
  });

  it("recognises BuildKit attestation entries", () => {
    const base = { mediaType: "m", digest: "d", size: 1 };
    expect(isAttestation({ ...base, platform: { os: "unknown", architecture: "unknown" } })).toBe(true);
    expect(isAttestation({ ...base, annotations: { "vnd.docker.reference.type": "attestation-manifest" } })).toBe(true);
    expect(isAttestation({ ...base, platform: { os: "linux", architecture: "amd64" } })).toBe(false);
  });
});

describe("networkReason", () => {
  const fetchFailed = (cause: unknown) => Object.assign(new TypeError("fetch failed"), { cause });

  it("names common connection failures in words", () => {
    expect(networkReason(fetchFailed(Object.assign(new Error("connect"), { code: "ECONNREFUSED" })))).toBe("connection refused");
    expect(networkReason(fetchFailed(Object.assign(new Error("dns"), { code: "ENOTFOUND" })))).toBe("host not found");
    expect(networkReason(fetchFailed(new AggregateError([Object.assign(new Error("x"), { code: "ECONNREFUSED" })])))).toBe("connection refused");
    expect(networkReason(fetchFailed(Object.assign(new Error("tls"), { code: "DEPTH_ZERO_SELF_SIGNED_CERT" })))).toMatch(
      /untrusted TLS certificate.*NODE_EXTRA_CA_CERTS/,
    );
    expect(networkReason(new TypeError("Headers.append: invalid header value"))).toBeNull();
  });
});

describe("Redactor", () => {
  it("replaces every occurrence of every secret", () => {
    const r = new Redactor();
    r.add("hunter2");
    r.add(undefined);
    r.add("");
    expect(r.redact("a hunter2 b hunter2")).toBe("a *** b ***");
  });
});
