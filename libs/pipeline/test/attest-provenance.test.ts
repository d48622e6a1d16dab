import { describe, expect, it } from "vitest";
import { BUILD_TYPE, LOCAL_BUILDER_ID, githubContext, provenancePredicate, type ProvenanceFacts } from "../src/attest/provenance.ts";

const facts: ProvenanceFacts = {
  image: "fixture-child",
  version: "1.0.0",
  channel: "release",
  ref: "reg/ns/fixture-child:1.0.0",
  sourceUrl: "https://github.com/acme/images",
  revision: "0123456789abcdef0123456789abcdef01234567",
  packageRoot: "packages/fixture-child",
  inputsDigest: `sha256:${"1".repeat(64)}`,
  base: { name: "reg/ns/fixture-base:1.0.0", digest: `sha256:${"2".repeat(64)}`, parent: true },
  locks: [
    {
      name: "packages/fixture-child/tools.lock.json",
      uri: "git+https://github.com/acme/images@0123456789abcdef0123456789abcdef01234567#packages/fixture-child/tools.lock.json",
      digest: `sha256:${"3".repeat(64)}`,
    },
  ],
  pipelineVersion: "0123456789abcdef0123456789abcdef01234567",
  daggerVersion: "0.21.8",
  startedOn: "2026-12-03T10:00:00.000Z",
  finishedOn: "2026-12-03T10:05:00.000Z",
};

const githubEnv = {
  GITHUB_ACTIONS: "true",
  GITHUB_SERVER_URL: "https://github.com",
  GITHUB_REPOSITORY: "acme/images",
  GITHUB_RUN_ID: "42",
  GITHUB_RUN_ATTEMPT: "2",
  GITHUB_WORKFLOW_REF: "acme/images/.github/workflows/release.yml@refs/heads/main",
  GITHUB_REF: "refs/heads/main",
};

describe("SLSA v1 provenance predicate", () => {
  it("names the revision, the build context, the parent by digest and each lock by digest", () => {
    const p = provenancePredicate(facts) as any;
    expect(p.buildDefinition.buildType).toBe(BUILD_TYPE);
    expect(p.buildDefinition.externalParameters).toMatchObject({
      image: "fixture-child",
      version: "1.0.0",
      source: { uri: "git+https://github.com/acme/images", revision: facts.revision },
    });
    expect(p.buildDefinition.resolvedDependencies).toEqual([
      { name: "source", uri: `git+https://github.com/acme/images@${facts.revision}`, digest: { gitCommit: facts.revision } },
      { name: "build-context", uri: `git+https://github.com/acme/images@${facts.revision}#packages/fixture-child`, digest: { sha256: "1".repeat(64) } },
      { name: "parent", uri: "docker://reg/ns/fixture-base:1.0.0", digest: { sha256: "2".repeat(64) } },
      { name: "packages/fixture-child/tools.lock.json", uri: facts.locks[0]!.uri, digest: { sha256: "3".repeat(64) } },
    ]);
    expect(p.runDetails.builder).toEqual({ id: LOCAL_BUILDER_ID, version: { "image-tooling-pipeline": facts.revision, dagger: "0.21.8" } });
    expect(p.runDetails.metadata).toEqual({ startedOn: facts.startedOn, finishedOn: facts.finishedOn });
  });

  it("on GitHub Actions, the builder is the workflow and the invocation is the run attempt", () => {
    const github = githubContext(githubEnv);
    const p = provenancePredicate({ ...facts, github }) as any;
    expect(p.runDetails.builder.id).toBe("https://github.com/acme/images/.github/workflows/release.yml@refs/heads/main");
    expect(p.runDetails.metadata.invocationId).toBe("https://github.com/acme/images/actions/runs/42/attempts/2");
    expect(p.buildDefinition.externalParameters.workflow).toEqual({ ref: githubEnv.GITHUB_WORKFLOW_REF, repository: "https://github.com/acme/images" });
  });

  it("outside GitHub Actions there is no GitHub context", () => {
    expect(githubContext({ ...githubEnv, GITHUB_ACTIONS: undefined })).toBeUndefined();
    expect(githubContext({})).toBeUndefined();
  });

  it("an external base is named base, not parent", () => {
    const p = provenancePredicate({
      ...facts,
      base: { name: "docker.io/library/debian:bookworm-slim", digest: `sha256:${"4".repeat(64)}`, parent: false },
    }) as any;
    expect(p.buildDefinition.resolvedDependencies[2]).toEqual({
      name: "base",
      uri: "docker://docker.io/library/debian:bookworm-slim",
      digest: { sha256: "4".repeat(64) },
    });
  });
});
