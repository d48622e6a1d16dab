import { describe, expect, it } from "vitest";
import { ImageMetadataError } from "@image-tooling/image-metadata";
import { resolveConfig } from "../src/config/config.ts";
import { DEFAULT_RETRY_POLICY } from "@image-tooling/oci-registry";

describe("resolveConfig", () => {
  const file = "registry: ghcr.io\nnamespace: acme/tools\nusername: bot\n";

  it("reads the file and lets the environment override it", () => {
    expect(resolveConfig(file, {})).toMatchObject({ registry: "ghcr.io", namespace: "acme/tools", username: "bot", channel: "release" });
    expect(resolveConfig(file, { IMAGE_REGISTRY: "127.0.0.1:5000", IMAGE_NAMESPACE: "t", REGISTRY_USERNAME: "u", REGISTRY_PASSWORD: "p" })).toMatchObject({
      registry: "127.0.0.1:5000",
      namespace: "t",
      username: "u",
      password: "p",
    });
  });

  it("accepts DOCKERHUB_TOKEN only for Docker Hub", () => {
    expect(resolveConfig("registry: docker.io\nnamespace: acme\n", { DOCKERHUB_TOKEN: "tok" }).password).toBe("tok");
    expect(resolveConfig(file, { DOCKERHUB_TOKEN: "tok" }).password).toBeUndefined();
    expect(resolveConfig("registry: docker.io\nnamespace: acme\n", { DOCKERHUB_TOKEN: "tok", REGISTRY_PASSWORD: "pw" }).password).toBe("pw");
  });

  it("plain HTTP to a network registry: off by default, from the file or IMAGE_REGISTRY_PLAIN_HTTP, which wins", () => {
    expect(resolveConfig(file, {}).plainHttp).toBe(false);
    expect(resolveConfig(`${file}plainHttp: true\n`, {}).plainHttp).toBe(true);
    expect(resolveConfig(`${file}plainHttp: true\n`, { IMAGE_REGISTRY_PLAIN_HTTP: "false" }).plainHttp).toBe(false);
    expect(resolveConfig(file, { IMAGE_REGISTRY_PLAIN_HTTP: "1" }).plainHttp).toBe(true);
    expect(() => resolveConfig(file, { IMAGE_REGISTRY_PLAIN_HTTP: "maybe" })).toThrow('IMAGE_REGISTRY_PLAIN_HTTP: is "maybe"; use true or false');
  });

  it("names what is missing and where to set it", () => {
    expect(() => resolveConfig(null, {})).toThrow('image-tooling.yaml, field "registry (env IMAGE_REGISTRY), namespace (env IMAGE_NAMESPACE)": is not set');
  });

  it("rejects unknown fields and bad channels", () => {
    expect(() => resolveConfig("registry: x\nnamespace: y\npasword: z\n", {})).toThrow("unknown field(s) pasword");
    expect(() => resolveConfig(file, { IMAGE_CHANNEL: "nightly" })).toThrow('is "nightly"; use release or branch');
  });

  it("picks the branch from flags, then GitHub's environment", () => {
    expect(resolveConfig(file, { GITHUB_HEAD_REF: "pr-branch", GITHUB_REF_NAME: "42/merge" }).branch).toBe("pr-branch");
    expect(resolveConfig(file, { GITHUB_HEAD_REF: "", GITHUB_REF_NAME: "main" }, { branch: "x" }).branch).toBe("x");
  });

  it("puts the environment's values through the same schema as the file's, naming the variable", () => {
    const upper = () => resolveConfig(file, { IMAGE_NAMESPACE: "MyTeam" });
    expect(upper).toThrow(ImageMetadataError);
    expect(upper).toThrow(
      'environment variable IMAGE_NAMESPACE: is "MyTeam": must be a lower-case repository path (letters a-z, digits, single . _ - or / between them, such as "myteam")\n  → fix or unset IMAGE_NAMESPACE (it overrides image-tooling.yaml)',
    );
    expect(() => resolveConfig("registry: ghcr.io\nnamespace: my team\n", {})).toThrow(
      'image-tooling.yaml, field "namespace": is "my team": must be a lower-case repository path (letters a-z, digits, single . _ - or / between them)',
    );
    expect(() => resolveConfig(file, { IMAGE_REGISTRY: "https://ghcr.io/acme" })).toThrow(
      'environment variable IMAGE_REGISTRY: is "https://ghcr.io/acme": expected a host with an optional port',
    );
    expect(() => resolveConfig("registry: ghcr.io/x\nnamespace: acme\n", {})).toThrow('image-tooling.yaml, field "registry": is "ghcr.io/x"');
    expect(() => resolveConfig(file, { IMAGE_SOURCE_URL: "not a url" })).toThrow("environment variable IMAGE_SOURCE_URL: must be a URL");
  });

  it("reads the retry bounds from the file or the environment, and refuses nonsense", () => {
    expect(resolveConfig(file, {}).retry).toEqual(DEFAULT_RETRY_POLICY);
    expect(resolveConfig(`${file}retries: 2\nretryMaxSeconds: 30\n`, {}).retry).toMatchObject({ retries: 2, maxTotalMs: 30_000 });
    expect(resolveConfig(`${file}retries: 2\n`, { IMAGE_REGISTRY_RETRIES: "0", IMAGE_REGISTRY_RETRY_MAX_SECONDS: "2.5" }).retry).toMatchObject({
      retries: 0,
      maxTotalMs: 2500,
    });
    expect(() => resolveConfig(file, { IMAGE_REGISTRY_RETRIES: "many" })).toThrow("environment variable IMAGE_REGISTRY_RETRIES: must be a whole number");
    expect(() => resolveConfig(file, { IMAGE_REGISTRY_RETRIES: "1.5" })).toThrow("environment variable IMAGE_REGISTRY_RETRIES: must be a whole number");
    expect(() => resolveConfig(`${file}retryMaxSeconds: -1\n`, {})).toThrow('image-tooling.yaml, field "retryMaxSeconds": must be more than 0');
  });
});
