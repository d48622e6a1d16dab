import { Authenticator, grantedActions, parseWwwAuthenticate, pickChallenge, repositoryScope, type Access, type Challenge } from "./auth.ts";
import { InvalidReferenceError, Redactor, RegistryError, type RegistryErrorKind } from "./errors.ts";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  computeDigest,
  digester,
  formatPlatform,
  isAttestation,
  isIndexMediaType,
  MANIFEST_ACCEPT,
  parsePlatform,
  platformMatches,
  sha256Digest,
  MediaType,
  type Descriptor,
  type ImageConfig,
  type ImageIndex,
  type ImageManifest,
} from "./media.ts";
import { apiRepository, isDigest, isRepositoryName, isTag, registryEndpoint, type RegistryEndpoint } from "./reference.ts";
import { type Chunks, describeResponse, type HttpResponse, type RequestBody, registryErrors, retrying, send } from "./transport.ts";
import { DEFAULT_RETRY_POLICY, type RetryDeps, type RetryPolicy } from "./retry.ts";
import { compressedSize } from "./size.ts";

export interface RegistryClientOptions {
  /** Host and optional port as configured (`docker.io`, `ghcr.io`, `127.0.0.1:5000`). */
  registry: string;
  username?: string;
  password?: string;
  /** How long an HTTP exchange may make no progress (no connection, no chunk sent, no answer, no chunk received) before it is dropped and retried. Default 10 s: a stalled link costs seconds, a big layer that moves is never cut. */
  timeoutMs?: number;
  /** Retrying 408, 429, 500, 502/503/504 and dropped connections; default DEFAULT_RETRY_POLICY. */
  retry?: Partial<RetryPolicy>;
  /** Where each retry is announced; default stderr. */
  onRetry?: (message: string) => void;
  /** For tests: how to wait between attempts. */
  sleep?: (ms: number) => Promise<void>;
  /** Speak plain HTTP to a registry that is not on loopback (Docker's "insecure registry"; IMAGE_REGISTRY_PLAIN_HTTP). */
  plainHttp?: boolean;
}

export interface Manifest {
  mediaType: string;
  digest: string;
  /** Exactly what the registry stored: re-PUT these bytes to tag the same digest elsewhere. */
  bytes: Buffer;
  json: ImageIndex | ImageManifest;
}

/** One entry of a referrers list: an artifact whose subject is the digest asked about. */
export type ReferrerDescriptor = Descriptor & { artifactType?: string };

export interface PlatformManifest {
  /** `linux/arm64`. */
  platform: string;
  digest: string;
  mediaType: string;
  size: number;
}

export interface PingResult {
  registry: string;
  /** How the registry asked us to authenticate (`none`: it did not). */
  auth: "none" | "basic" | "bearer";
  /**
   * For `ping({ push: true })` on a token registry whose tokens state their
   * grants: whether push was granted. `unknown` when only a push can tell.
   */
  push?: "granted" | "unknown";
}

interface CallOptions {
  method: "GET" | "HEAD" | "PUT" | "POST";
  /** Path under the API base, or an absolute URL the registry handed us (upload location, Link). */
  url: string;
  repository?: string;
  access?: Access;
  headers?: Record<string, string>;
  body?: RequestBody;
  streamResponse?: boolean;
  /** No transport-level retries: the caller retries a larger unit (an upload's POST and PUT together). */
  once?: boolean;
}

/**
 * Blob content to upload without holding it in memory: its digest and size
 * (known up front, as for a layer in a content-addressed store) and a way to
 * read it from the start, called again for each attempt.
 */
export interface BlobSource {
  digest: string;
  size: number;
  open(): Chunks;
}

const USER_AGENT = "image-tooling-registry-client";
const MAX_PAGES = 1000;

/**
 * A small client for the OCI Distribution API: what publishing needs to
 * decide (which tags exist, what they point at, what an image's labels say)
 * and to move floating tags without rebuilding (re-PUT a manifest's exact
 * bytes under another tag, so the digest is unchanged).
 *
 * Repositories are given without the registry (`team/tooling-k8s`); Docker
 * Hub's `library/` prefix is added where the API needs it. Every failure is a
 * `RegistryError`; no message ever contains the password or a token.
 */
export class RegistryClient {
  readonly endpoint: RegistryEndpoint;
  readonly #auth: Authenticator;
  readonly #redactor = new Redactor();
  readonly #timeoutMs: number;
  readonly #credentialSource: string;
  readonly #retry: RetryDeps;
  /** The registry's challenge, once seen, so later requests authenticate up front instead of bouncing off a 401. */
  #challenge: Challenge | undefined;

  constructor(options: RegistryClientOptions) {
    this.endpoint = registryEndpoint(options.registry, { plainHttp: options.plainHttp });
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#retry = {
      policy: { ...DEFAULT_RETRY_POLICY, ...options.retry },
      onRetry: options.onRetry ?? ((line) => process.stderr.write(`${line}\n`)),
      ...(options.sleep && { sleep: options.sleep }),
    };
    this.#credentialSource = `REGISTRY_USERNAME / REGISTRY_PASSWORD${this.endpoint.dockerHub ? " (or DOCKERHUB_TOKEN)" : ""}`;
    // Half a login is a configuration mistake: going anonymous instead would fail later and more obscurely.
    const { username, password } = options;
    if (username && !password) {
      throw new RegistryError(
        "unauthorized",
        `registry ${this.registry}: user '${username}' is configured but no password: set REGISTRY_PASSWORD${this.endpoint.dockerHub ? " (or DOCKERHUB_TOKEN)" : ""}, or unset REGISTRY_USERNAME to read anonymously`,
        { registry: this.registry },
      );
    }
    if (password && !username) {
      throw new RegistryError("unauthorized", `registry ${this.registry}: a password is configured but no user: set REGISTRY_USERNAME`, {
        registry: this.registry,
      });
    }
    const credentials = username && password ? { username, password } : undefined;
    this.#auth = new Authenticator(credentials, {
      registry: this.endpoint.registry,
      timeoutMs: this.#timeoutMs,
      redactor: this.#redactor,
      credentialSource: this.#credentialSource,
      userAgent: USER_AGENT,
      retry: this.#retry,
    });
  }

  get registry(): string {
    return this.endpoint.registry;
  }

  /** `<registry>/<repository>` as people write it, for messages and image references. */
  repositoryRef(repository: string): string {
    return `${this.endpoint.registry}/${repository}`;
  }

  /**
   * Checks that the registry answers the Distribution API and, with
   * credentials, that it accepts them. With `repository` it asks for the
   * access a publish needs (`push: true`) on it, so a token registry (Docker
   * Hub, GHCR) validates the login before anything is built.
   */
  async ping(options: { repository?: string; push?: boolean } = {}): Promise<PingResult> {
    if (options.repository !== undefined) this.#checkRepository(options.repository);
    const access: Access = options.push ? "push" : "pull";
    const { res, authorization } = await this.#call({
      method: "GET",
      url: "/v2/",
      ...(options.repository !== undefined && { repository: options.repository, access }),
    });
    if (res.gaveUp) throw this.#unexpected(res, "checking", options.repository);
    if (res.status !== 200) {
      // Anything but 200 or a challenge on /v2/ means whatever answers is not a registry (a web server, a proxy's error page).
      throw this.#fail(
        "protocol",
        `${this.registry} answered GET /v2/ with ${describeResponse(res)}: is it an OCI registry? check IMAGE_REGISTRY`,
        options.repository,
        res.status,
      );
    }
    const scheme = this.#challenge?.scheme.toLowerCase();
    const result: PingResult = { registry: this.registry, auth: scheme === "bearer" ? "bearer" : scheme === "basic" ? "basic" : "none" };
    if (scheme === "bearer" && options.repository !== undefined && options.push) {
      const granted = authorization ? grantedActions(authorization.replace(/^Bearer /, ""), apiRepository(this.endpoint, options.repository)) : undefined;
      if (granted && !granted.includes("push")) {
        throw this.#fail("denied", this.#deniedMessage(options.repository, "push"), options.repository);
      }
      result.push = granted ? "granted" : "unknown";
    }
    return result;
  }

  /** Every tag of a repository, following `Link` pagination; `[]` when the repository does not exist yet. */
  async listTags(repository: string, options: { pageSize?: number } = {}): Promise<string[]> {
    this.#checkRepository(repository);
    const first = `/v2/${apiRepository(this.endpoint, repository)}/tags/list${options.pageSize ? `?n=${options.pageSize}` : ""}`;
    return this.#pages(first, repository, "tags", (body: { tags?: string[] | null }) => body.tags ?? []);
  }

  /** Every repository the registry lists (`GET /v2/_catalog`); registries that serve the public may refuse it. */
  async catalog(options: { pageSize?: number } = {}): Promise<string[]> {
    return this.#pages(
      `/v2/_catalog${options.pageSize ? `?n=${options.pageSize}` : ""}`,
      undefined,
      "repositories",
      (body: { repositories?: string[] | null }) => body.repositories ?? [],
    );
  }

  /** What a tag (or digest) points at, or null when it does not exist. */
  async manifestDigest(repository: string, reference: string): Promise<string | null> {
    const res = await this.#manifestRequest("HEAD", repository, reference);
    if (res.status === 404) return null;
    if (res.status !== 200) throw this.#unexpected(res, `reading ${reference} of`, repository);
    const digest = res.headers.get("docker-content-digest");
    if (digest && isDigest(digest)) return digest;
    // Some registries omit the header on HEAD; the content decides.
    return (await this.getManifest(repository, reference)).digest;
  }

  async getManifest(repository: string, reference: string): Promise<Manifest> {
    const res = await this.#manifestRequest("GET", repository, reference);
    if (res.status === 404) throw this.#fail("not-found", `${this.repositoryRef(repository)} has no manifest ${reference}`, repository, 404);
    if (res.status !== 200) throw this.#unexpected(res, `reading ${reference} of`, repository);
    const digest = sha256Digest(res.body);
    const expected = isDigest(reference) ? reference : res.headers.get("docker-content-digest");
    if (expected && computeDigest(expected, res.body) !== expected) {
      throw this.#fail(
        "protocol",
        `registry ${this.registry} returned a manifest for ${this.repositoryRef(repository)}:${reference} whose content does not match digest ${expected}`,
        repository,
      );
    }
    const json = this.#json<ImageIndex | ImageManifest>(res, repository, "manifest");
    const mediaType = json.mediaType ?? res.headers.get("content-type")?.split(";")[0]?.trim() ?? "";
    return { mediaType, digest, bytes: res.body, json };
  }

  /**
   * Stores manifest bytes under a tag (or by digest) and returns the digest.
   * The bytes go up untouched, so re-putting a tested manifest under a
   * floating tag points that tag at exactly the tested digest.
   */
  async putManifest(repository: string, reference: string, manifest: { mediaType: string; bytes: Uint8Array }): Promise<string> {
    this.#checkReference(repository, reference);
    const bytes = Buffer.from(manifest.bytes.buffer, manifest.bytes.byteOffset, manifest.bytes.byteLength);
    const digest = sha256Digest(bytes);
    if (isDigest(reference) && computeDigest(reference, bytes) !== reference) throw new Error(`manifest bytes do not match digest ${reference}`);
    const { res } = await this.#call({
      method: "PUT",
      url: this.#manifestPath(repository, reference),
      repository,
      access: "push",
      headers: { "content-type": manifest.mediaType },
      body: bytes,
    });
    if (res.status !== 201 && res.status !== 200) throw this.#unexpected(res, `pushing ${reference} to`, repository);
    const stored = res.headers.get("docker-content-digest");
    if (stored && stored !== digest && computeDigest(stored, bytes) !== stored) {
      throw this.#fail(
        "protocol",
        `registry ${this.registry} stored ${this.repositoryRef(repository)}:${reference} as ${stored}, not the ${digest} that was sent`,
        repository,
      );
    }
    return digest;
  }

  /** The runnable platforms of an index (attestations left out); a single manifest yields its own platform. */
  async platformManifests(repository: string, reference: string): Promise<PlatformManifest[]> {
    const m = await this.getManifest(repository, reference);
    if (isIndexMediaType(m.mediaType) || "manifests" in m.json) {
      return (m.json as ImageIndex).manifests
        .filter((d) => d.platform && !isAttestation(d))
        .map((d) => ({ platform: formatPlatform(d.platform!), digest: d.digest, mediaType: d.mediaType, size: d.size }));
    }
    const config = await this.#config(repository, m);
    return [
      {
        platform: formatPlatform({
          os: config.os ?? "unknown",
          architecture: config.architecture ?? "unknown",
          ...(config.variant && { variant: config.variant }),
        }),
        digest: m.digest,
        mediaType: m.mediaType,
        size: m.bytes.length,
      },
    ];
  }

  /**
   * Each platform's compressed size in bytes (the sum of its manifest's layer
   * sizes), by platform; `listed` saves reading the index again when the
   * caller already has its platformManifests.
   */
  async platformSizes(repository: string, reference: string, listed?: PlatformManifest[]): Promise<Record<string, number>> {
    const sizes: Record<string, number> = {};
    for (const p of listed ?? (await this.platformManifests(repository, reference))) {
      sizes[p.platform] = compressedSize((await this.getManifest(repository, p.digest)).json as ImageManifest);
    }
    return sizes;
  }

  /**
   * The image config (labels at `config.Labels`). For an index, `platform`
   * (`linux/arm64`) picks the image; it may be left out when there is only one.
   */
  async imageConfig(repository: string, reference: string, platform?: string): Promise<ImageConfig> {
    const wanted = platform === undefined ? undefined : parsePlatform(platform);
    let m = await this.getManifest(repository, reference);
    if (isIndexMediaType(m.mediaType) || "manifests" in m.json) {
      const images = (m.json as ImageIndex).manifests.filter((d) => !isAttestation(d));
      const available = images.map((d) => (d.platform ? formatPlatform(d.platform) : d.digest)).join(", ") || "none";
      const chosen = wanted ? images.find((d) => platformMatches(wanted, d.platform)) : images.length === 1 ? images[0] : undefined;
      if (!chosen && wanted) {
        throw this.#fail("not-found", `${this.repositoryRef(repository)}:${reference} has no ${platform} image (it has ${available})`, repository);
      }
      if (!chosen) throw new Error(`${this.repositoryRef(repository)}:${reference} is a multi-platform index (${available}): say which platform`);
      m = await this.getManifest(repository, chosen.digest);
    }
    const config = await this.#config(repository, m);
    if (
      wanted &&
      config.os &&
      config.architecture &&
      !platformMatches(wanted, { os: config.os, architecture: config.architecture, ...(config.variant && { variant: config.variant }) })
    ) {
      throw this.#fail(
        "not-found",
        `${this.repositoryRef(repository)}:${reference} is a ${config.os}/${config.architecture} image, not ${platform}`,
        repository,
      );
    }
    return config;
  }

  /**
   * Artifacts that name `digest` as their subject (signatures, attestations):
   * the OCI 1.1 referrers API, or on a registry without it the referrers tag
   * scheme, an index tagged `sha256-<hex>`
   * (https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#referrers-tag-schema).
   */
  async referrers(repository: string, digest: string): Promise<ReferrerDescriptor[]> {
    this.#checkReference(repository, digest);
    const { res } = await this.#call({
      method: "GET",
      url: `/v2/${apiRepository(this.endpoint, repository)}/referrers/${digest}`,
      repository,
      access: "pull",
      headers: { accept: MediaType.ociIndex },
    });
    if (res.status === 200 && res.headers.get("content-type")?.split(";")[0]?.trim() === MediaType.ociIndex) {
      return (this.#json<ImageIndex>(res, repository, "referrers index").manifests ?? []) as ReferrerDescriptor[];
    }
    if (res.status !== 200 && res.status !== 404 && res.status !== 405 && res.status !== 400)
      throw this.#unexpected(res, `listing referrers of ${digest} in`, repository);
    const tag = digest.replace(":", "-");
    if (!(await this.manifestDigest(repository, tag))) return [];
    return ((await this.getManifest(repository, tag)).json as ImageIndex).manifests as ReferrerDescriptor[];
  }

  async blobExists(repository: string, digest: string): Promise<boolean> {
    this.#checkReference(repository, digest);
    const { res } = await this.#call({ method: "HEAD", url: this.#blobPath(repository, digest), repository, access: "pull" });
    if (res.status === 200) return true;
    if (res.status === 404) return false;
    throw this.#unexpected(res, `checking blob ${digest} in`, repository);
  }

  /** A small blob (a config, a signature bundle) in memory; big ones go through {@link pullBlob}. */
  async getBlob(repository: string, digest: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk);
        done();
      },
    });
    await this.pullBlob(repository, digest, sink);
    return Buffer.concat(chunks);
  }

  /**
   * Streams a blob into `sink` (a file, a hash, another upload) and checks
   * it against its digest on the way: nothing is held in memory beyond one
   * chunk. Returns the size. The sink holds the bytes even when they turn out
   * not to match, so a caller writing a file removes it on the error.
   */
  async pullBlob(repository: string, digest: string, sink: NodeJS.WritableStream): Promise<number> {
    this.#checkReference(repository, digest);
    const hash = digester(digest);
    if (!hash)
      throw new InvalidReferenceError(`cannot verify blob ${digest} of ${this.repositoryRef(repository)}: only sha256 and sha512 digests are supported`);
    const { res } = await this.#call({ method: "GET", url: this.#blobPath(repository, digest), repository, access: "pull", streamResponse: true });
    if (res.status === 404) throw this.#fail("not-found", `${this.repositoryRef(repository)} has no blob ${digest}`, repository, 404);
    if (res.status !== 200 || !res.stream) throw this.#unexpected(res, `reading blob ${digest} of`, repository);
    let size = 0;
    const counted = async function* (source: AsyncIterable<Uint8Array>) {
      for await (const chunk of source) {
        hash.update(chunk);
        size += chunk.length;
        yield chunk;
      }
    };
    await pipeline(res.stream, counted, sink);
    if (hash.digest() !== digest) throw this.#fail("protocol", `registry ${this.registry} returned blob content that does not match ${digest}`, repository);
    return size;
  }

  /**
   * Uploads a blob unless the repository already has it (HEAD first). Bytes
   * (configs, small layers) go up as they are; a BlobSource streams, so a
   * layer of any size passes through in chunks. With `mountFrom` (another
   * repository of the same registry that has the blob) the registry is asked
   * to link it instead of receiving it again; one that declines gets the upload.
   */
  async pushBlob(repository: string, content: Uint8Array | BlobSource, options: { mountFrom?: string } = {}): Promise<{ digest: string; size: number }> {
    this.#checkRepository(repository);
    const blob = content instanceof Uint8Array ? { bytes: Buffer.from(content.buffer, content.byteOffset, content.byteLength) } : undefined;
    const digest = blob ? sha256Digest(blob.bytes) : (content as BlobSource).digest;
    const size = blob ? blob.bytes.length : (content as BlobSource).size;
    if (!blob && !isDigest(digest)) throw new InvalidReferenceError(`invalid digest "${digest}" for a blob to push to ${this.repositoryRef(repository)}`);
    if (await this.blobExists(repository, digest)) return { digest, size };
    const mount =
      options.mountFrom === undefined ? "" : `?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(apiRepository(this.endpoint, options.mountFrom))}`;
    // One attempt is a POST and a PUT: a PUT that failed half way may have left part of the
    // content in its upload session, so a retry starts a new session instead of sending into that one.
    const attempt = async (): Promise<{ res: HttpResponse; step: "start" | "upload" }> => {
      const url = `/v2/${apiRepository(this.endpoint, repository)}/blobs/uploads/${mount}`;
      const start = (await this.#call({ method: "POST", url, repository, access: "push", once: true })).res;
      const location = start.headers.get("location");
      if (start.status !== 202 || !location) return { res: start, step: "start" };
      const target = new URL(location, this.endpoint.baseUrl + "/");
      target.searchParams.set("digest", digest);
      const { res } = await this.#call({
        method: "PUT",
        url: target.href,
        repository,
        access: "push",
        headers: { "content-type": "application/octet-stream", "content-length": String(size) },
        body: blob ? blob.bytes : () => (content as BlobSource).open(),
        once: true,
      });
      return { res, step: "upload" };
    };
    let step: "start" | "upload" = "start";
    const what = { what: `upload of blob ${digest} to ${this.repositoryRef(repository)}`, short: "upload" };
    const res = await retrying(
      what,
      async () => {
        const r = await attempt();
        step = r.step;
        return r.res;
      },
      this.#retry,
    );
    if (step === "start") {
      if (res.status === 201 && mount) return { digest, size };
      throw this.#unexpected(res, "starting an upload to", repository);
    }
    if (res.status !== 201) throw this.#unexpected(res, `uploading blob ${digest} to`, repository);
    return { digest, size };
  }

  // ---- internals ----

  async #config(repository: string, m: Manifest): Promise<ImageConfig> {
    const desc = (m.json as ImageManifest).config;
    if (!desc || typeof desc.digest !== "string")
      throw this.#fail("protocol", `manifest ${m.digest} of ${this.repositoryRef(repository)} has no config`, repository);
    const blob = await this.getBlob(repository, desc.digest);
    try {
      return JSON.parse(blob.toString("utf8")) as ImageConfig;
    } catch {
      throw this.#fail("protocol", `the config ${desc.digest} of ${this.repositoryRef(repository)} is not JSON`, repository);
    }
  }

  #manifestPath(repository: string, reference: string): string {
    return `/v2/${apiRepository(this.endpoint, repository)}/manifests/${reference}`;
  }

  async #manifestRequest(method: "GET" | "HEAD", repository: string, reference: string): Promise<HttpResponse> {
    this.#checkReference(repository, reference);
    const headers = { accept: MANIFEST_ACCEPT };
    return (await this.#call({ method, url: this.#manifestPath(repository, reference), repository, access: "pull", headers })).res;
  }

  #blobPath(repository: string, digest: string): string {
    return `/v2/${apiRepository(this.endpoint, repository)}/blobs/${digest}`;
  }

  /** A paginated list (tags, catalog): every page's items, following `Link`; `[]` when the first page is 404. */
  async #pages<T>(first: string, repository: string | undefined, what: string, items: (body: T) => string[]): Promise<string[]> {
    const out: string[] = [];
    const listing = repository === undefined ? `the ${what} of registry ${this.registry}` : `the ${what} of ${this.repositoryRef(repository)}`;
    let url: string | undefined = first;
    for (let page = 0; url; page++) {
      if (page >= MAX_PAGES) throw this.#fail("protocol", `registry ${this.registry} kept paginating ${listing} past ${MAX_PAGES} pages`, repository);
      const { res } = await this.#call({ method: "GET", url, ...(repository !== undefined && { repository, access: "pull" as const }) });
      if (res.status === 404 && page === 0) return [];
      if (res.status !== 200) throw this.#unexpected(res, `listing ${what} of`, repository);
      out.push(...items(this.#json<T>(res, repository, `${what} list`)));
      url = nextLink(res.headers.get("link"));
    }
    return out;
  }

  #checkRepository(repository: string): void {
    if (!isRepositoryName(repository))
      throw new InvalidReferenceError(`invalid repository name "${repository}" for registry ${this.registry}: lower-case path components joined by /`);
  }

  #checkReference(repository: string, reference: string): void {
    this.#checkRepository(repository);
    if (!isTag(reference) && !isDigest(reference))
      throw new InvalidReferenceError(`invalid tag or digest "${reference}" for ${this.repositoryRef(repository)}`);
  }

  #json<T>(res: HttpResponse, repository: string | undefined, what: string): T {
    try {
      return JSON.parse(res.body.toString("utf8")) as T;
    } catch {
      const of = repository === undefined ? "" : ` for ${this.repositoryRef(repository)}`;
      throw this.#fail("protocol", `registry ${this.registry} answered with a ${what}${of} that is not JSON`, repository);
    }
  }

  #fail(kind: RegistryErrorKind, message: string, repository?: string, status?: number): RegistryError {
    return new RegistryError(kind, this.#redactor.redact(message), {
      registry: this.registry,
      ...(repository !== undefined && { repository: this.repositoryRef(repository) }),
      ...(status !== undefined && { status }),
    });
  }

  #deniedMessage(repository: string, access: Access): string {
    const who = this.#auth.username ? `user '${this.#auth.username}'` : "anonymous access";
    const what = access === "push" ? `push to ${this.repositoryRef(repository)}` : `read ${this.repositoryRef(repository)}`;
    return `registry ${this.registry} does not let ${who} ${what}: check that the account (or token) has ${access === "push" ? "write" : "read"} access to that repository and IMAGE_NAMESPACE is right`;
  }

  /** A status the operation did not expect, turned into the most useful error we can name. */
  #unexpected(res: HttpResponse, doing: string, repository: string | undefined): RegistryError {
    const ref = repository === undefined ? `registry ${this.registry}` : this.repositoryRef(repository);
    const codes = registryErrors(res.body).join(" ");
    if (res.status === 404) return this.#fail("not-found", `${doing} ${ref}: not found (${describeResponse(res)})`, repository, 404);
    if (res.status === 405 || /\bUNSUPPORTED\b/.test(codes)) {
      return this.#fail(
        "denied",
        `registry ${this.registry} does not allow ${doing} ${ref} (${describeResponse(res)}): is it read-only or a pull-through cache? check IMAGE_REGISTRY`,
        repository,
        res.status,
      );
    }
    const retried = res.gaveUp ? ` (${res.gaveUp})` : "";
    if (res.status === 429)
      return this.#fail(
        "protocol",
        `registry ${this.registry} is rate-limiting us while ${doing} ${ref}${retried}: wait and re-run, or log in (${this.#credentialSource}) for a higher limit`,
        repository,
        429,
      );
    const where = res.status >= 500 ? `${retried}: a server-side error; re-run later, or check the registry's health` : "";
    return this.#fail("protocol", `registry ${this.registry} answered ${describeResponse(res)} while ${doing} ${ref}${where}`, repository, res.status);
  }

  /**
   * One request with authentication: sends what the known challenge calls
   * for, and on a 401 learns the (new) challenge and retries once with
   * authentication for the scopes the registry asked for. A 401/403 that
   * remains becomes `unauthorized` or `denied`.
   */
  async #call(op: CallOptions): Promise<{ res: HttpResponse; authorization: string | undefined }> {
    const url = new URL(op.url, this.endpoint.baseUrl + "/");
    const sameOrigin = url.origin === new URL(this.endpoint.baseUrl).origin;
    const repository = op.repository;
    const scopes = repository !== undefined && op.access ? [repositoryScope(apiRepository(this.endpoint, repository), op.access)] : [];
    const ctx = {
      registry: this.registry,
      ...(repository !== undefined && { repository: this.repositoryRef(repository) }),
      target: `registry ${this.registry}`,
      hint: "is it running? check IMAGE_REGISTRY",
      timeoutMs: this.#timeoutMs,
      redactor: this.#redactor,
      ...(!op.once && { retry: this.#retry }),
    };
    const attempt = (authorization: string | undefined): Promise<HttpResponse> =>
      send(
        url,
        {
          method: op.method,
          headers: { "user-agent": USER_AGENT, ...op.headers, ...(authorization && { authorization }) },
          ...(op.body && { body: op.body }),
          ...(op.streamResponse && { streamResponse: true }),
        },
        ctx,
      );

    // Credentials only ever go to the registry's own origin, never to a storage host it redirects uploads to.
    let authorization = sameOrigin && this.#challenge ? await this.#auth.authorization(this.#challenge, scopes, ctx.repository) : undefined;
    let res = await attempt(authorization);
    if (res.status === 401 && sameOrigin) {
      const challenge = pickChallenge(parseWwwAuthenticate(res.headers.get("www-authenticate") ?? ""));
      if (!challenge)
        throw this.#fail(
          "protocol",
          `registry ${this.registry} answered 401 without a challenge we support (${res.headers.get("www-authenticate") ?? "no WWW-Authenticate header"})`,
          repository,
          401,
        );
      // A token that was refused may have expired or been revoked early: never offer it again.
      if (authorization && this.#challenge) this.#auth.forget(this.#challenge, scopes);
      this.#challenge = {
        scheme: challenge.scheme,
        params: { ...(challenge.params.realm && { realm: challenge.params.realm }), ...(challenge.params.service && { service: challenge.params.service }) },
      };
      // The registry may ask for more than we assumed (e.g. pull alongside push); ask for both.
      const wanted = [...new Set([...scopes, ...(challenge.params.scope?.split(" ").filter(Boolean) ?? [])])];
      const retry = await this.#auth.authorization(this.#challenge, wanted, ctx.repository);
      if (retry !== undefined && retry !== authorization) {
        authorization = retry;
        res = await attempt(authorization);
      }
      if (res.status === 401) throw this.#refused(repository, op.access ?? "pull", authorization !== undefined);
    }
    if (res.status === 403) {
      const message =
        repository === undefined
          ? `registry ${this.registry} refused access: check ${this.#credentialSource}`
          : this.#deniedMessage(repository, op.access ?? "pull");
      throw this.#fail("denied", `${message} (${describeResponse(res)})`, repository, 403);
    }
    return { res, authorization };
  }

  #refused(repository: string | undefined, access: Access, sentCredentials: boolean): RegistryError {
    const username = this.#auth.username;
    const scheme = this.#challenge?.scheme.toLowerCase();
    if (!username) {
      const what = repository === undefined ? "" : ` to ${access === "push" ? "push to" : "read"} ${this.repositoryRef(repository)}`;
      return this.#fail("unauthorized", `registry ${this.registry} requires credentials${what}: set ${this.#credentialSource}`, repository, 401);
    }
    // With Basic the credentials themselves were refused; a token registry already accepted them
    // when it issued the token, so a 401 now means the account lacks access.
    if (scheme === "basic" || !sentCredentials || repository === undefined) {
      return this.#fail(
        "unauthorized",
        `registry ${this.registry} rejected the credentials for user '${username}': check ${this.#credentialSource}`,
        repository,
        401,
      );
    }
    return this.#fail("denied", this.#deniedMessage(repository, access), repository, 401);
  }
}

/** The `rel="next"` target of a `Link` header (RFC 8288), as registries use it for tag pagination. */
export function nextLink(header: string | null): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (m && /(?:^|;)\s*rel\s*=\s*"?next"?\s*(?:;|$)/i.test(m[2]!)) return m[1];
  }
  return undefined;
}
