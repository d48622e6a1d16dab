import { describe, expect, it } from "vitest";
import { resolveConfig } from "../src/config/config.ts";

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
});
