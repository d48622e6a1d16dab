import { describe, expect, it } from "vitest";
import { checkDockerfile, unverifiedDownload } from "../src/index.ts";
import { PACKAGES, readPackageFile } from "./helpers.ts";

const GOOD = `ARG BASE_IMAGE
FROM \${BASE_IMAGE} AS fetch
RUN apt-get update && apt-get install -y curl jq
FROM \${BASE_IMAGE}
COPY --from=fetch /out/ /
USER 10001:0
`;
const check = (text: string, hasParent = false) => checkDockerfile({ text, file: "packages/demo/Dockerfile", image: "demo", hasParent });
const only = (text: string, hasParent = false) => {
  const problems = check(text, hasParent);
  expect(problems).toHaveLength(1);
  return problems[0]!;
};

describe("Dockerfile rules on every image of the workspace", () => {
  it.each(PACKAGES.map((p) => [p.name, p] as const))("%s follows every rule", (image, pkg) => {
    const hasParent = pkg.metadata.parent !== undefined;
    expect(checkDockerfile({ text: readPackageFile(image, "Dockerfile"), file: `packages/${image}/Dockerfile`, image, hasParent })).toEqual([]);
  });
});

describe("Dockerfile rules fire", () => {
  it("accepts the minimal good shape", () => {
    expect(check(GOOD)).toEqual([]);
  });

  it("the BASE_IMAGE pattern", () => {
    expect(only(GOOD.replace("FROM ${BASE_IMAGE} AS fetch", "FROM debian:trixie-slim AS fetch"))).toMatchObject({
      field: "FROM",
      message: expect.stringMatching(/does not take the declared base/),
    });
    expect(only(GOOD.replace("ARG BASE_IMAGE", "ARG BASE_IMAGE=debian:trixie"))).toMatchObject({ field: "FROM", message: expect.stringMatching(/no default/) });
  });

  it("latest anywhere in an instruction", () => {
    expect(only(GOOD.replace("apt-get install -y curl jq", "npm install -g some-cli@latest"))).toMatchObject({
      field: "line 3",
      message: expect.stringMatching(/latest/),
    });
  });

  it("a curl or wget without a sha256sum check", () => {
    expect(only(GOOD.replace("apt-get update && apt-get install -y curl jq", "curl -fsSLo /k https://dl.example.com/k"))).toMatchObject({
      field: "line 3",
      message: expect.stringMatching(/without a sha256sum -c/),
    });
    expect(only(GOOD.replace("apt-get update && apt-get install -y curl jq", "wget -q https://dl.example.com/k"))).toMatchObject({
      message: expect.stringMatching(/without a sha256sum -c/),
    });
    expect(check(GOOD.replace("apt-get update && apt-get install -y curl jq", 'curl -fsSLo /k https://x/k && echo "$SHA  /k" | sha256sum -c -'))).toEqual([]);
    expect(only(GOOD.replace("apt-get update && apt-get install -y curl jq", 'curl -fsSLo /k http://x/k && echo "$SHA  /k" | sha256sum -c -'))).toMatchObject({
      message: expect.stringMatching(/plain http/),
    });
  });

  it("ADD of a URL without --checksum", () => {
    expect(only(GOOD.replace("COPY --from=fetch /out/ /", "ADD https://dl.example.com/k /usr/local/bin/k"))).toMatchObject({
      message: expect.stringMatching(/--checksum/),
    });
    expect(check(GOOD.replace("COPY --from=fetch /out/ /", `ADD --checksum=sha256:${"a".repeat(64)} https://dl.example.com/k /usr/local/bin/k`))).toEqual([]);
  });

  it("pip install without --require-hashes", () => {
    expect(only(GOOD.replace("apt-get update && apt-get install -y curl jq", "/opt/v/bin/pip install requests==2.32.5"))).toMatchObject({
      message: expect.stringMatching(/--require-hashes/),
    });
    expect(only(GOOD.replace("apt-get update && apt-get install -y curl jq", "python3 -m pip install requests"))).toMatchObject({
      message: expect.stringMatching(/--require-hashes/),
    });
  });

  it("a final stage running as root, by name, or with no USER", () => {
    expect(only(GOOD.replace("USER 10001:0", "USER 0"))).toMatchObject({ field: "USER", message: expect.stringMatching(/runs as root/) });
    expect(only(GOOD.replace("USER 10001:0", "USER 0:0"))).toMatchObject({ field: "USER" });
    expect(only(GOOD.replace("USER 10001:0", "USER tool"))).toMatchObject({ field: "line 6", message: expect.stringMatching(/not numeric/) });
    expect(only(GOOD.replace("USER 10001:0\n", ""))).toMatchObject({ field: "USER", message: expect.stringMatching(/sets no USER/) });
    // A child inherits its parent's user, but may not switch to root and stay there.
    expect(check(GOOD.replace("USER 10001:0\n", ""), true)).toEqual([]);
    expect(only(GOOD.replace("USER 10001:0", "USER 0"), true)).toMatchObject({ field: "USER" });
    // Root in a build stage is fine when the final stage drops it.
    expect(check(GOOD.replace("AS fetch\n", "AS fetch\nUSER 0\n"))).toEqual([]);
  });

  it("secrets in ARG or ENV", () => {
    expect(only(GOOD.replace("FROM ${BASE_IMAGE}\n", "FROM ${BASE_IMAGE}\nARG GITHUB_TOKEN\n"))).toMatchObject({
      message: expect.stringMatching(/GITHUB_TOKEN looks like a secret/),
    });
    expect(only(GOOD.replace("FROM ${BASE_IMAGE}\n", "FROM ${BASE_IMAGE}\nENV REGISTRY_PASSWORD=hunter2\n"))).toMatchObject({
      message: expect.stringMatching(/REGISTRY_PASSWORD/),
    });
    expect(only(GOOD.replace("FROM ${BASE_IMAGE}\n", "FROM ${BASE_IMAGE}\nENV AWS_DEFAULT=AKIAABCDEFGHIJKLMNOP\n"))).toMatchObject({
      message: expect.stringMatching(/looks like a credential/),
    });
    expect(check(GOOD.replace("FROM ${BASE_IMAGE}\n", "FROM ${BASE_IMAGE}\nENV HOME=/home/tool LANG=C.UTF-8\nARG TARGETARCH\n"))).toEqual([]);
  });
});

describe("unverifiedDownload", () => {
  it("tells a download from a package name", () => {
    expect(unverifiedDownload("apt-get install -y curl wget")).toBeNull();
    expect(unverifiedDownload("x=$(curl -fsS https://x)")).toMatch(/sha256sum/);
    expect(unverifiedDownload("if ! curl -o f https://x; then exit 1; fi")).toMatch(/sha256sum/);
    expect(unverifiedDownload("# curl https://x\necho hi")).toBeNull();
  });

  it("the real fetch-tools passes", () => {
    expect(unverifiedDownload(readPackageFile("toolbox-base", "rootfs/usr/local/libexec/toolbox/fetch-tools"))).toBeNull();
  });
});
