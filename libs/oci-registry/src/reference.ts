import { InvalidReferenceError } from "./errors.ts";

/**
 * Pure mapping from what a user configures (`IMAGE_REGISTRY`, `IMAGE_NAMESPACE`,
 * an image name) to what the Distribution API and image references need.
 */

export interface RegistryEndpoint {
  /** The registry as configured, lower-cased: what image references start with. */
  registry: string;
  /** Where the Distribution API lives, without a trailing slash (`https://ghcr.io`). */
  baseUrl: string;
  /** Docker Hub names single-segment repositories `library/<name>` in its API. */
  dockerHub: boolean;
}

const DOCKER_HUB = new Set(["docker.io", "index.docker.io", "registry-1.docker.io"]);

// Distribution's grammar (distribution/reference): lower-case path components
// joined by `/`, tags up to 128 word characters, algorithm-prefixed digests.
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;
const HOST_PORT = /^(?:\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?)(?::\d{1,5})?$/;

export function isTag(s: string): boolean {
  return TAG.test(s);
}

export function isDigest(s: string): boolean {
  return DIGEST.test(s);
}

export function isRepositoryName(s: string): boolean {
  return s.length > 0 && s.length <= 255 && s.split("/").every((c) => PATH_COMPONENT.test(c));
}

/** Hostname without port or IPv6 brackets. */
function hostname(hostPort: string): string {
  if (hostPort.startsWith("[")) return hostPort.slice(1, hostPort.indexOf("]"));
  const colon = hostPort.lastIndexOf(":");
  return colon === -1 ? hostPort : hostPort.slice(0, colon);
}

/**
 * Loopback registries speak plain http (that is how `docker-registry` and the
 * harness run them, and Docker itself treats them as insecure by default);
 * anything reachable over a network must use TLS.
 */
export function isLoopback(hostPort: string): boolean {
  const h = hostname(hostPort.toLowerCase());
  return h === "localhost" || h === "::1" || /^127(?:\.\d{1,3}){3}$/.test(h);
}

/**
 * Where the API lives. `plainHttp` is Docker's "insecure registry" for one
 * that is reached over a network without TLS (a registry on a CI job's or
 * test harness's bridge); the engine that pushes must be told the same.
 */
export function registryEndpoint(registry: string, opts: { plainHttp?: boolean } = {}): RegistryEndpoint {
  const r = registry.trim().toLowerCase();
  if (!HOST_PORT.test(r)) {
    throw new InvalidReferenceError(
      `invalid registry "${registry}": expected a host with an optional port, such as docker.io, ghcr.io or 127.0.0.1:5000 (no scheme, no path); check IMAGE_REGISTRY`,
    );
  }
  if (DOCKER_HUB.has(r)) return { registry: r, baseUrl: "https://registry-1.docker.io", dockerHub: true };
  return { registry: r, baseUrl: `${isLoopback(r) || opts.plainHttp ? "http" : "https"}://${r}`, dockerHub: false };
}

/** The repository name the API expects: `alpine` on Docker Hub is `library/alpine`. */
export function apiRepository(endpoint: RegistryEndpoint, repository: string): string {
  return endpoint.dockerHub && !repository.includes("/") ? `library/${repository}` : repository;
}

/**
 * `<namespace>/<image>` (or just `<image>` with no namespace), validated so a
 * bad `IMAGE_NAMESPACE` fails here with its name rather than as an obscure
 * registry error after a build.
 */
export function repositoryName(namespace: string | undefined, image: string): string {
  const ns = (namespace ?? "").replace(/^\/+|\/+$/g, "");
  const name = ns ? `${ns}/${image}` : image;
  if (!isRepositoryName(name)) {
    throw new InvalidReferenceError(
      `invalid repository name "${name}": namespace and image must be lower-case letters, digits and single separators (. _ -), joined by /; check IMAGE_NAMESPACE and the image name`,
    );
  }
  return name;
}

/** `<registry>/<namespace>/<image>`: the reference Docker, Dagger and users pull. */
export function repositoryRef(registry: string, namespace: string | undefined, image: string): string {
  return `${registryEndpoint(registry).registry}/${repositoryName(namespace, image)}`;
}

/** `repo:tag` or `repo@digest`. */
export function imageRef(repoRef: string, tagOrDigest: string): string {
  if (isDigest(tagOrDigest)) return `${repoRef}@${tagOrDigest}`;
  if (isTag(tagOrDigest)) return `${repoRef}:${tagOrDigest}`;
  throw new InvalidReferenceError(`invalid tag "${tagOrDigest}" for ${repoRef}: tags are up to 128 letters, digits, _ . - and cannot start with . or -`);
}
