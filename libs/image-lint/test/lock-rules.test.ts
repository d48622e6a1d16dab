import { describe, expect, it } from "vitest";
import { checkLock } from "../src/index.ts";
import { debianUpstreamVersion, formatProblem, isDownloadTool, parseDebianPackage, versionRegex } from "@image-tooling/image-metadata";
import { IMAGES, PACKAGES, SHA_A, SHA_B, lockText, readPackageFile, validTool } from "./helpers.ts";

const problemsOf = (tools: Record<string, unknown>, extra: Record<string, unknown> = {}, inheritedTools: string[] = []) =>
  checkLock({ text: lockText(tools, extra), file: "packages/demo/tools.lock.json", image: "demo", inheritedTools }).problems;
const fields = (ps: { field?: string }[]) => ps.map((p) => p.field);

describe("lock completeness of every image", () => {
  it.each(IMAGES)("%s: every tool is pinned and verifiable (sha256 per arch, or an exact Debian package version)", (image) => {
    const { lock, problems } = checkLock({ text: readPackageFile(image, "tools.lock.json"), file: `packages/${image}/tools.lock.json`, image });
    expect(problems).toEqual([]);
    expect(Object.keys(lock!.tools).length + lock!.debian.packages.length).toBeGreaterThan(0);
  });

  it("no image installs a Debian package again that an ancestor installs", () => {
    const packagesOf = (image: string): string[] => JSON.parse(readPackageFile(image, "tools.lock.json")).debian.packages;
    const parentOf = new Map(PACKAGES.map((p) => [p.name, p.metadata.parent]));
    for (const image of IMAGES) {
      const inherited: string[] = [];
      for (let a = parentOf.get(image); a !== undefined; a = parentOf.get(a)) inherited.push(...packagesOf(a));
      expect({ image, repeated: packagesOf(image).filter((d) => inherited.includes(d)) }).toEqual({ image, repeated: [] });
    }
  });

  it("tooling-k8s-openstack: the CLI is Debian's package, pinned to an exact version", () => {
    const { lock } = checkLock({ text: readPackageFile("tooling-k8s-openstack", "tools.lock.json"), file: "x", image: "tooling-k8s-openstack" });
    expect(lock!.tools.openstack).toMatchObject({ source: "debian", package: "python3-openstackclient", version: "7.4.0" });
    expect(lock!.debian.packages).toContain("python3-openstackclient=7.4.0-3");
    expect(lock!.python).toBeUndefined();
  });

  it("a tool pinned by two images has one pin (version, URL and hashes)", () => {
    const pins = new Map<string, { image: string; pin: string }>();
    for (const image of IMAGES) {
      for (const [name, tool] of Object.entries(JSON.parse(readPackageFile(image, "tools.lock.json")).tools as Record<string, Record<string, unknown>>)) {
        const pin = JSON.stringify([tool.version, tool.url, tool.archNames, tool.sha256]);
        const seen = pins.get(name);
        if (seen) expect({ name, image, pin }).toEqual({ name, image, pin: seen.pin });
        else pins.set(name, { image, pin });
      }
    }
    expect(pins.get("aws")).toBeDefined();
  });

  it("children do not repeat their parent's tools", () => {
    const children = PACKAGES.filter((p) => p.metadata.parent);
    expect(children.length).toBeGreaterThan(0);
    for (const child of children) {
      const parent = Object.keys(JSON.parse(readPackageFile(child.metadata.parent!, "tools.lock.json")).tools);
      const { problems } = checkLock({ text: readPackageFile(child.name, "tools.lock.json"), file: "x", image: child.name, inheritedTools: parent });
      expect(problems).toEqual([]);
    }
  });
});

describe("lock rules fire", () => {
  it("accepts a complete tool", () => {
    expect(problemsOf({ tool: validTool() })).toEqual([]);
  });

  it("a missing or malformed sha256 per arch", () => {
    const { arm64: _drop, ...amd64Only } = { amd64: SHA_A, arm64: SHA_B };
    expect(fields(problemsOf({ tool: { ...validTool(), sha256: amd64Only } }))).toContain("tools.tool.sha256.arm64");
    expect(fields(problemsOf({ tool: { ...validTool(), sha256: { amd64: "abc", arm64: SHA_B } } }))).toContain("tools.tool.sha256.amd64");
    expect(fields(problemsOf({ tool: { ...validTool(), sha256: { amd64: SHA_A.toUpperCase(), arm64: SHA_B } } }))).toContain("tools.tool.sha256.amd64");
    const { sha256: _s, ...noSha } = validTool();
    expect(fields(problemsOf({ tool: noSha }))).toContain("tools.tool.sha256");
  });

  it("the same hash for both arches", () => {
    expect(problemsOf({ tool: { ...validTool(), sha256: { amd64: SHA_A, arm64: SHA_A } } })).toEqual([
      expect.objectContaining({ field: "tools.tool.sha256", message: expect.stringMatching(/same for amd64 and arm64/) }),
    ]);
  });

  it("a missing version, or a moving one", () => {
    const { version: _v, ...noVersion } = validTool();
    expect(fields(problemsOf({ tool: noVersion }))).toContain("tools.tool.version");
    expect(problemsOf({ tool: { ...validTool(), version: "latest" } })).toEqual([
      expect.objectContaining({ field: "tools.tool.version", message: expect.stringMatching(/latest/) }),
    ]);
  });

  it("a URL that is not https, has no {arch}, an unknown placeholder or says latest", () => {
    expect(fields(problemsOf({ tool: { ...validTool(), url: "http://example.com/tool-{version}-{arch}" } }))).toContain("tools.tool.url");
    expect(problemsOf({ tool: { ...validTool(), url: "https://example.com/tool-{version}.tgz" } })).toEqual([
      expect.objectContaining({ field: "tools.tool.url", message: expect.stringMatching(/no \{arch\}/) }),
    ]);
    expect(problemsOf({ tool: { ...validTool(), url: "https://example.com/{version}/{os}-{arch}" } })).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/unknown placeholder \{os\}/) }),
    ]);
    expect(problemsOf({ tool: { ...validTool(), url: "https://example.com/latest/tool-{version}-{arch}" } })).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/latest/) }),
      expect.objectContaining({ message: expect.stringMatching(/latest/) }),
    ]);
  });

  it("a URL template without {version}: a version bump would download the old file", () => {
    expect(problemsOf({ tool: { ...validTool(), url: "https://example.com/tool-stable-{arch}.tar.gz" } })).toEqual([
      expect.objectContaining({
        field: "tools.tool.url",
        message: "has no {version}: bumping tools.tool.version would still download the same file",
        hint: "put {version} where the release's version appears in the URL",
      }),
    ]);
  });

  it("a tar.gz without member, a zip without installer, a relative install path", () => {
    const { member: _m, ...noMember } = validTool();
    expect(fields(problemsOf({ tool: noMember }))).toContain("tools.tool.member");
    expect(fields(problemsOf({ tool: { ...validTool(), archive: "zip", member: undefined } }))).toContain("tools.tool.installer");
    expect(fields(problemsOf({ tool: { ...validTool(), install: "bin/tool" } }))).toContain("tools.tool.install");
  });

  describe("install and member paths stay where fetch-tools puts them", () => {
    const FILE = "packages/demo/tools.lock.json";
    // One problem, naming the file, the tool and the field, with what to do.
    const only = (tool: Record<string, unknown>) => {
      const problems = problemsOf({ helm: tool });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatchObject({ file: FILE, image: "demo" });
      return `${problems[0]!.field}: ${problems[0]!.message}`;
    };
    it.each([
      [
        "install",
        "/usr/local/../../etc/cron.d/x",
        "tools.helm.install: must not contain '..': name the path in the image directly, e.g. /usr/local/bin/<tool>",
      ],
      ["install", "/usr/local/bin/..", "tools.helm.install: must not contain '..': name the path in the image directly, e.g. /usr/local/bin/<tool>"],
      ["install", "../bin/helm", "tools.helm.install: must be an absolute path in the image, e.g. /usr/local/bin/<tool>"],
      ["install", "usr/local/bin/helm", "tools.helm.install: must be an absolute path in the image, e.g. /usr/local/bin/<tool>"],
      ["install", "/usr/local/bin/", "tools.helm.install: must name a file, not a folder (no trailing '/')"],
      ["member", "../../etc/passwd", "tools.helm.member: must not contain '..': a member is a path inside the archive, e.g. linux-{arch}/<tool>"],
      ["member", "linux-{arch}/../../helm", "tools.helm.member: must not contain '..': a member is a path inside the archive, e.g. linux-{arch}/<tool>"],
      ["member", "/usr/bin/helm", "tools.helm.member: must be relative: the executable's path inside the archive, e.g. linux-{arch}/<tool>"],
      ["member", "linux\\..\\helm", "tools.helm.member: must be a path without spaces or backslashes"],
    ])("refuses %s %j", (field, value, message) => {
      expect(only({ ...validTool(), [field]: value })).toBe(message);
    });

    it("refuses a '..' that only appears once {arch} is expanded", () => {
      expect(only({ ...validTool(), member: "{arch}/helm", archNames: { amd64: "x86_64", arm64: ".." } })).toBe(
        "tools.helm.member: expands to \"../helm\" for arm64: must not contain '..': a member is a path inside the archive, e.g. linux-{arch}/<tool>",
      );
    });

    it("accepts what the real locks use: absolute install paths, relative members with placeholders, '..' inside a name", () => {
      expect(problemsOf({ helm: { ...validTool(), member: "linux-{arch}/helm", install: "/usr/local/libexec/docker/cli-plugins/docker-buildx" } })).toEqual([]);
      expect(problemsOf({ helm: { ...validTool(), member: "pandoc-{version}/bin/pandoc..x", install: "/usr/local/bin/helm..old" } })).toEqual([]);
    });

    it("the lint CLI's message names the file, the image and the field", () => {
      const problem = problemsOf({ helm: { ...validTool(), install: "/usr/../etc/helm" } })[0]!;
      expect(formatProblem(problem)).toBe(
        `${FILE}, image "demo", field "tools.helm.install": must not contain '..': name the path in the image directly, e.g. /usr/local/bin/<tool>`,
      );
    });
  });

  it("no version pattern placeholder, no examples, no sources, unknown fields", () => {
    expect(fields(problemsOf({ tool: { ...validTool(), versionPattern: "tool v1.2.3" } }))).toContain("tools.tool.versionPattern");
    expect(fields(problemsOf({ tool: { ...validTool(), examples: [] } }))).toContain("tools.tool.examples");
    expect(fields(problemsOf({ tool: { ...validTool(), sources: [] } }))).toContain("tools.tool.sources");
    expect(problemsOf({ tool: { ...validTool(), checksum: "x" } })).toEqual([
      expect.objectContaining({ field: "tools.tool.checksum", message: "is not a known field" }),
    ]);
  });

  it("a tab in text that toolbox-help reads as tab-separated data", () => {
    expect(fields(problemsOf({ tool: { ...validTool(), examples: ["a\tb"] } }))).toContain("tools.tool.examples[0]");
  });

  it("a lock of another image, a tool the parent already has", () => {
    expect(checkLock({ text: lockText({ tool: validTool() }, {}, "other"), file: "f", image: "demo" }).problems).toEqual([
      expect.objectContaining({ field: "image" }),
    ]);
    expect(problemsOf({ tool: validTool() }, {}, ["tool"])).toEqual([
      expect.objectContaining({ field: "tools.tool", message: expect.stringMatching(/parent/) }),
    ]);
  });

  it("pip tools: requirement present, versions agree, every wheel hashed per arch", () => {
    const pipTool = { ...validTool(), source: "pip", package: "demo-cli" } as Record<string, unknown>;
    for (const k of ["url", "sha256", "archive", "member", "update"]) delete pipTool[k];
    const python = (sha256: unknown, version = "1.2.3") => ({
      python: { index: "https://pypi.org/simple", constraints: "c", requirements: [{ name: "demo-cli", version, sha256 }] },
    });
    expect(problemsOf({ cli: pipTool }, python({ amd64: [SHA_A], arm64: [SHA_B] }))).toEqual([]);
    const missing = problemsOf({ cli: pipTool }, python({ amd64: [SHA_A], arm64: [] }));
    expect(missing).toEqual([
      expect.objectContaining({ field: "python.requirements[].sha256", message: expect.stringMatching(/1 of 1 requirements \(demo-cli: arm64\)/) }),
    ]);
    expect(fields(problemsOf({ cli: pipTool }, python({ amd64: ["nope"], arm64: [SHA_B] })))).toContain("python.requirements[0].sha256.amd64");
    expect(fields(problemsOf({ cli: pipTool }, python({ amd64: [SHA_A], arm64: [SHA_B] }, "9.9.9")))).toContain("tools.cli.version");
    expect(fields(problemsOf({ cli: pipTool }))).toContain("python");
  });

  it("Debian tools: the package is in debian.packages, pinned, at the tool's upstream version", () => {
    const debTool = { ...validTool(), source: "debian", package: "demo-cli" } as Record<string, unknown>;
    for (const k of ["url", "sha256", "archive", "member", "update"]) delete debTool[k];
    const debian = (...packages: string[]) => ({ debian: { packages, commands: {} } });
    expect(problemsOf({ cli: debTool }, debian("demo-cli=1.2.3-1"))).toEqual([]);
    // Epochs, Debian revisions and repack suffixes are not part of what the tool reports.
    expect(problemsOf({ cli: debTool }, debian("demo-cli=1:1.2.3+dfsg-2+deb13u1"))).toEqual([]);
    expect(problemsOf({ cli: debTool }, debian("bash"))).toEqual([
      expect.objectContaining({ field: "tools.cli.package", message: expect.stringMatching(/not in debian.packages/) }),
    ]);
    expect(problemsOf({ cli: debTool }, debian("demo-cli"))).toEqual([
      expect.objectContaining({ field: "tools.cli.package", message: expect.stringMatching(/not pinned/) }),
    ]);
    expect(problemsOf({ cli: debTool }, debian("demo-cli=1.2.4-1"))).toEqual([
      expect.objectContaining({ field: "tools.cli.version", message: "is 1.2.3 but debian.packages pins demo-cli=1.2.4-1" }),
    ]);
    expect(fields(problemsOf({ cli: debTool }, debian("demo-cli=1.2.30-1")))).toEqual(["tools.cli.version"]);
  });

  it("Debian tools: schema errors name the fields of the debian shape", () => {
    const debTool = { ...validTool(), source: "debian" } as Record<string, unknown>;
    for (const k of ["sha256", "archive", "member"]) delete debTool[k];
    // url belongs to downloads; package is required: both reported against the debian shape.
    expect(problemsOf({ cli: debTool })).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: "tools.cli.url", message: "is not a known field" }),
        expect.objectContaining({ field: "tools.cli.package" }),
      ]),
    );
  });

  it("debian.packages: a name, or name=version with a Debian version; each package once", () => {
    const withPackages = (...packages: string[]) => problemsOf({ tool: validTool() }, { debian: { packages, commands: {} } });
    expect(withPackages("bash", "python3-foo=1:2.0~rc1+dfsg-3+deb13u1")).toEqual([]);
    expect(fields(withPackages("python3-foo="))).toEqual(["debian.packages[0]"]);
    expect(fields(withPackages("python3-foo=latest"))).toEqual(["debian.packages[0]"]);
    expect(fields(withPackages("python3-foo>=1.0"))).toEqual(["debian.packages[0]"]);
    expect(fields(withPackages("Python3-Foo"))).toEqual(["debian.packages[0]"]);
    expect(withPackages("python3-foo", "python3-foo=1.0-1")).toEqual([
      expect.objectContaining({ field: "debian.packages[1]", message: "names python3-foo twice" }),
    ]);
  });

  it("splits Debian pins and versions", () => {
    expect(parseDebianPackage("python3-openstackclient=7.4.0-3")).toEqual({ name: "python3-openstackclient", version: "7.4.0-3" });
    expect(parseDebianPackage("bash")).toEqual({ name: "bash", version: null });
    expect(debianUpstreamVersion("1:9.7.0-2")).toBe("9.7.0");
    expect(debianUpstreamVersion("2.32.3+dfsg-5+deb13u1")).toBe("2.32.3+dfsg");
    expect(debianUpstreamVersion("1.0")).toBe("1.0");
  });

  it("not JSON at all", () => {
    expect(checkLock({ text: "{", file: "f", image: "demo" }).problems).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/not valid JSON/) }),
    ]);
  });

  it("update sources: a GitHub repository or a URL for versions, and one of the checksum formats", () => {
    const withUpdate = (update: unknown) => problemsOf({ tool: { ...validTool(), update } });
    const versions = { github: "example/tool", tag: "v{version}" };
    for (const checksums of [
      { format: "sha256sum", url: "https://example.com/v{version}/checksums.txt" },
      { format: "sha256", url: "https://example.com/v{version}/tool-{arch}.sha256" },
      { format: "yq", url: "https://example.com/v{version}/checksums", order: "https://example.com/v{version}/checksums_hashes_order" },
      { format: "computed" },
      { format: "computed", computedOn: "2026-12-03" },
    ]) {
      expect(withUpdate({ versions, checksums })).toEqual([]);
    }
    expect(
      withUpdate({ versions: { url: "https://dl.k8s.io/release/stable-{track}.txt", tag: "v{version}" }, track: "1.37", checksums: { format: "computed" } }),
    ).toEqual([]);
    expect(fields(problemsOf({ tool: (({ update: _, ...rest }) => rest)(validTool()) }))).toContain("tools.tool.update");
    expect(fields(withUpdate({ versions: { github: "not a repo", tag: "v{version}" }, checksums: { format: "computed" } }))).toContain(
      "tools.tool.update.versions.github",
    );
    expect(fields(withUpdate({ versions, track: "latest", checksums: { format: "computed" } }))).toContain("tools.tool.update.track");
    expect(
      fields(withUpdate({ versions: { url: "https://dl.k8s.io/release/stable-{track}.txt", tag: "v{version}" }, checksums: { format: "computed" } })),
    ).toContain("tools.tool.update.track");
    expect(fields(withUpdate({ versions, checksums: { format: "md5", url: "https://example.com/x" } }))).toContain("tools.tool.update.checksums.format");
    expect(fields(withUpdate({ versions, checksums: { format: "yq", url: "https://example.com/checksums" } }))).toContain("tools.tool.update.checksums.order");
    expect(fields(withUpdate({ versions, checksums: { format: "sha256sum", url: "http://example.com/x" } }))).toContain("tools.tool.update.checksums.url");
  });

  it("sources are public https URLs, not notes or internal identifiers", () => {
    expect(fields(problemsOf({ tool: { ...validTool(), sources: ["our notes, page 3"] } }))).toContain("tools.tool.sources[0]");
    for (const image of IMAGES) {
      const { lock } = checkLock({ text: readPackageFile(image, "tools.lock.json"), file: "x", image });
      for (const tool of Object.values(lock!.tools)) for (const s of tool.sources) expect(s).toMatch(/^https:\/\/[^\s]+$/);
    }
  });

  it("the AWS CLI pins AWS's signing key by fingerprint in every image that installs it", () => {
    const withAws = IMAGES.filter((image) => JSON.parse(readPackageFile(image, "tools.lock.json")).tools.aws);
    expect(withAws.length).toBeGreaterThan(0);
    for (const image of withAws) {
      const aws = checkLock({ text: readPackageFile(image, "tools.lock.json"), file: "x", image }).lock!.tools.aws!;
      expect(isDownloadTool(aws) && aws.signature).toMatchObject({
        fingerprint: "FB5DB77FD5C118B80511ADA8A6310ACC4672475C",
        url: "https://awscli.amazonaws.com/awscli-exe-linux-{arch}-{version}.zip.sig",
      });
    }
  });
});

describe("smoke version patterns are anchored to a whole token", () => {
  const matches = (pattern: string, version: string, output: string) => new RegExp(versionRegex(pattern, version), "m").test(output);
  it.each([
    ["Client Version: v{version}", "1.37.1", "Client Version: v1.37.1\nKustomize Version: v5.8.3"],
    ["argocd: v{version}", "3.5.2", "argocd: v3.5.2+f3e1d6a"],
    ["Docker version {version}", "29.8.2", "Docker version 29.8.2, build 1234567"],
    ["v{version}", "0.51.0", "Version              v0.51.0\nCommit  abc"],
    ["v{version}", "4.3.0", "v4.3.0"],
    ["aws-cli/{version}", "2.36.7", "aws-cli/2.36.7 Python/3.13.7 Linux/6.1 exe/x86_64.debian.12"],
    ["pandoc {version}", "3.12.1", "pandoc 3.12.1\nFeatures: +server +lua"],
    ["{version}", "1.2.3", "1.2.3"],
    ["{version}", "1.2.3", "v1.2.3"],
    ["{version}", "1.2.3", "tool version 1.2.3."],
    ["{version}", "1.2.3", "first line\n1.2.3 (built today)"],
  ])("accepts %j %s in %j", (pattern, version, output) => {
    expect(matches(pattern, version, output)).toBe(true);
  });
  it.each([
    ["{version}", "1.2.3", "11.2.34"],
    ["{version}", "1.2.3", "11.2.3"],
    ["{version}", "1.2.3", "a1.2.3"],
    ["{version}", "1.2.3", "-1.2.3"],
    ["{version}", "1.2.3", "xv1.2.3"],
    ["{version}", "1.2.3", "1.2.3_rc"],
    ["{version}", "1.2.3", "1.2.3~rc1"],
    ["v{version}", "4.3.0", "helm-v4.3.0"],
    ["v{version}", "4.3.0", "v14.3.0"],
    ["jq-{version}", "1.8.2", "notjq-1.8.2"],
    ["Docker version {version}", "29.8.2", "xDocker version 29.8.2"],
    ["Client Version: v{version}", "1.37.1", "Client Version: v1.37.10"],
    ["Client Version: v{version}", "1.37.1", "Client Version: v1.37.1-rc.1"],
    ["Client Version: v{version}", "1.37.1", "Client Version: v1.37.1.2"],
    ["a|{version}", "1.2.3", "xa"],
  ])("refuses %j %s in %j", (pattern, version, output) => {
    expect(matches(pattern, version, output)).toBe(false);
  });
});
