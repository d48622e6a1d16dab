/**
 * The SLSA v1 provenance predicate (https://slsa.dev/spec/v1.0/provenance)
 * of one published image index. cosign wraps it in an in-toto Statement
 * whose subject is the index digest (`cosign attest --type slsaprovenance1`),
 * so this module builds only the predicate. Pure: every fact is passed in.
 */

export const SLSA_PROVENANCE_V1 = "https://slsa.dev/provenance/v1";

/** Where this build type's parameters are documented (fixed: it names the kind of build, not this repository's copy). */
export const BUILD_TYPE = "https://github.com/image-tooling/image-tooling/blob/main/libs/pipeline/README.md#provenance";
/** The builder outside GitHub Actions: this pipeline run by someone holding the signing key. */
export const LOCAL_BUILDER_ID = "https://github.com/image-tooling/image-tooling/tree/main/libs/pipeline#key-signed";

/** A digest-pinned thing the build read. */
export interface Dependency {
  name: string;
  uri?: string;
  /** "sha256:<hex>" */
  digest: string;
}

export interface ProvenanceFacts {
  image: string;
  version: string;
  channel: "release" | "branch";
  /** Full reference the index was pushed as, e.g. registry/ns/image:1.2.3. */
  ref: string;
  /** https URL of the source repository, when known. */
  sourceUrl?: string;
  /** Commit the image was built from (its revision label). */
  revision: string;
  /** Package folder in the repository, e.g. packages/tooling-k8s. */
  packageRoot: string;
  /** Inputs digest: the Docker build context, ancestors folded in. */
  inputsDigest: string;
  /** The external base or the parent image, by digest. */
  base: { name: string; digest: string; parent: boolean };
  /** tools.lock.json of the image and its ancestors, by path. */
  locks: Dependency[];
  pipelineVersion: string;
  daggerVersion: string;
  startedOn: string;
  finishedOn: string;
  /** GitHub Actions context (GITHUB_* variables); absent elsewhere. */
  github?: GithubContext;
}

export interface GithubContext {
  serverUrl: string;
  repository: string;
  runId: string;
  runAttempt: string;
  /** e.g. owner/repo/.github/workflows/release.yml@refs/heads/main */
  workflowRef: string;
  ref?: string;
}

/** The GitHub Actions run this process is part of, read from its environment. */
export function githubContext(env: Record<string, string | undefined>): GithubContext | undefined {
  if (env.GITHUB_ACTIONS !== "true" || !env.GITHUB_REPOSITORY || !env.GITHUB_RUN_ID || !env.GITHUB_WORKFLOW_REF) return undefined;
  return {
    serverUrl: env.GITHUB_SERVER_URL ?? "https://github.com",
    repository: env.GITHUB_REPOSITORY,
    runId: env.GITHUB_RUN_ID,
    runAttempt: env.GITHUB_RUN_ATTEMPT ?? "1",
    workflowRef: env.GITHUB_WORKFLOW_REF,
    ref: env.GITHUB_REF,
  };
}

const digestSet = (d: string): Record<string, string> => {
  const [alg, hex] = d.split(":");
  if (!alg || !hex) throw new Error(`"${d}" is not an <algorithm>:<hex> digest`);
  return { [alg]: hex };
};

export function provenancePredicate(f: ProvenanceFacts): Record<string, unknown> {
  const source = f.sourceUrl ? `git+${f.sourceUrl}` : undefined;
  const builderId = f.github ? `${f.github.serverUrl}/${f.github.workflowRef}` : LOCAL_BUILDER_ID;
  return {
    buildDefinition: {
      buildType: BUILD_TYPE,
      externalParameters: {
        image: f.image,
        version: f.version,
        channel: f.channel,
        ref: f.ref,
        source: { ...(source && { uri: source }), revision: f.revision, path: f.packageRoot },
        ...(f.github && { workflow: { ref: f.github.workflowRef, repository: `${f.github.serverUrl}/${f.github.repository}` } }),
      },
      internalParameters: { inputsDigest: f.inputsDigest },
      resolvedDependencies: [
        { ...(source && { uri: `${source}@${f.revision}` }), name: "source", digest: { gitCommit: f.revision } },
        { name: "build-context", uri: source ? `${source}@${f.revision}#${f.packageRoot}` : f.packageRoot, digest: digestSet(f.inputsDigest) },
        { name: f.base.parent ? "parent" : "base", uri: `docker://${f.base.name}`, digest: digestSet(f.base.digest) },
        ...f.locks.map((l) => ({ name: l.name, ...(l.uri && { uri: l.uri }), digest: digestSet(l.digest) })),
      ],
    },
    runDetails: {
      builder: { id: builderId, version: { "image-tooling-pipeline": f.pipelineVersion, dagger: f.daggerVersion } },
      metadata: {
        ...(f.github && { invocationId: `${f.github.serverUrl}/${f.github.repository}/actions/runs/${f.github.runId}/attempts/${f.github.runAttempt}` }),
        startedOn: f.startedOn,
        finishedOn: f.finishedOn,
      },
    },
  };
}

const REVISION = "org.opencontainers.image.revision";
const BASE_NAME = "org.opencontainers.image.base.name";
const BASE_DIGEST = "org.opencontainers.image.base.digest";
const SOURCE = "org.opencontainers.image.source";

/**
 * The build facts an image carries in its own labels (revision, source, base
 * and inputs digest), so a re-run that completes a digest's provenance states
 * what that digest was built from, not what this checkout holds.
 */
export function factsFromLabels(
  labels: Record<string, string>,
  inputsDigestLabel: string,
  rest: Omit<ProvenanceFacts, "revision" | "sourceUrl" | "inputsDigest" | "base"> & { parent: boolean },
): ProvenanceFacts {
  const missing = [REVISION, BASE_NAME, BASE_DIGEST, inputsDigestLabel].filter((k) => !labels[k]);
  if (missing.length) throw new Error(`${rest.ref} has no label ${missing.join(", ")}: it was not built by this pipeline, so its provenance cannot be stated`);
  const { parent, ...facts } = rest;
  return {
    ...facts,
    revision: labels[REVISION]!,
    sourceUrl: labels[SOURCE],
    inputsDigest: labels[inputsDigestLabel]!,
    base: { name: labels[BASE_NAME]!, digest: labels[BASE_DIGEST]!, parent },
  };
}
