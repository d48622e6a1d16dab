import type { RetryDeps } from "./retry.ts";
import { RegistryError, type Redactor } from "./errors.ts";
import { isLoopback } from "./reference.ts";
import { describeResponse, send } from "./transport.ts";

export interface Credentials {
  username: string;
  password: string;
}

/** One challenge of a `WWW-Authenticate` header; parameter names are lower-cased. */
export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

const TOKEN = /[!#$%&'*+.^_`|~0-9A-Za-z-]+/y;

/**
 * RFC 7235 challenges. Hand-rolled because fetch joins repeated headers with
 * ", " and quoted values (scopes, realms) contain commas and spaces, so a split
 * on commas would misread e.g. `Basic realm="a", Bearer realm="b",scope="x"`.
 */
export function parseWwwAuthenticate(header: string): Challenge[] {
  const out: Challenge[] = [];
  let i = 0;
  const skip = (chars: RegExp): void => {
    while (i < header.length && chars.test(header[i]!)) i++;
  };
  const token = (): string | undefined => {
    TOKEN.lastIndex = i;
    const m = TOKEN.exec(header);
    if (!m) return undefined;
    i += m[0].length;
    return m[0];
  };
  const quoted = (): string => {
    let v = "";
    for (i++; i < header.length && header[i] !== '"'; i++) v += header[i] === "\\" ? (header[++i] ?? "") : header[i];
    i++;
    return v;
  };
  while (i < header.length) {
    skip(/[\s,]/);
    const scheme = token();
    if (!scheme) break;
    const challenge: Challenge = { scheme, params: {} };
    out.push(challenge);
    let nextChallenge = false;
    for (;;) {
      skip(/\s/);
      const start = i;
      const name = token();
      skip(/\s/);
      if (!name || header[i] !== "=") {
        // Not `name=`: the next challenge's scheme, or nothing.
        i = start;
        nextChallenge = true;
        break;
      }
      i++;
      skip(/\s/);
      challenge.params[name.toLowerCase()] = header[i] === '"' ? quoted() : (token() ?? "");
      skip(/\s/);
      if (header[i] !== ",") break;
      i++;
    }
    // Something we cannot read (a token68, stray characters): skip to the next comma so it cannot hide the challenges after it.
    if (!nextChallenge) while (i < header.length && header[i] !== ",") i++;
  }
  return out;
}

/** Bearer when offered: it is what token registries mean; Basic is the fallback some also advertise. */
export function pickChallenge(challenges: Challenge[]): Challenge | undefined {
  const by = (s: string) => challenges.find((c) => c.scheme.toLowerCase() === s);
  return by("bearer") ?? by("basic");
}

export type Access = "pull" | "push";

export function repositoryScope(repository: string, access: Access): string {
  return `repository:${repository}:${access === "push" ? "pull,push" : "pull"}`;
}

/**
 * The actions a JWT bearer token grants on a repository, per the Docker token
 * spec's `access` claim; undefined when the token is opaque (e.g. GHCR) and
 * only trying the operation will tell.
 */
export function grantedActions(token: string, repository: string): string[] | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8")) as { access?: { type?: string; name?: string; actions?: string[] }[] };
    if (!Array.isArray(claims.access)) return undefined;
    return claims.access.filter((a) => a.type === "repository" && a.name === repository).flatMap((a) => a.actions ?? []);
  } catch {
    return undefined;
  }
}

export interface AuthContext {
  registry: string;
  timeoutMs: number;
  redactor: Redactor;
  /** Where the credentials come from, for messages: e.g. `REGISTRY_USERNAME / REGISTRY_PASSWORD`. */
  credentialSource: string;
  userAgent: string;
  /** Token services rate-limit too (Docker Hub's does): retried like the registry. */
  retry?: RetryDeps;
}

interface CachedToken {
  header: Promise<string>;
  expiresAt: number;
}

/**
 * Turns a challenge into an Authorization header value: Basic from the
 * credentials, or a bearer token fetched from the challenge's realm for the
 * scopes a request needs (cached per scope set until shortly before expiry).
 */
export class Authenticator {
  readonly #credentials: Credentials | undefined;
  readonly #ctx: AuthContext;
  readonly #tokens = new Map<string, CachedToken>();

  constructor(credentials: Credentials | undefined, ctx: AuthContext) {
    this.#credentials = credentials;
    this.#ctx = ctx;
    if (credentials) {
      ctx.redactor.add(credentials.password);
      ctx.redactor.add(this.#basic());
    }
  }

  get username(): string | undefined {
    return this.#credentials?.username;
  }

  #basic(): string {
    const c = this.#credentials!;
    return Buffer.from(`${c.username}:${c.password}`).toString("base64");
  }

  /** The header value for a request under `challenge` needing `scopes`; undefined when there is nothing to send. */
  async authorization(challenge: Challenge, scopes: string[], repository?: string): Promise<string | undefined> {
    const scheme = challenge.scheme.toLowerCase();
    if (scheme === "basic") return this.#credentials ? `Basic ${this.#basic()}` : undefined;
    if (scheme !== "bearer")
      throw this.#fail("protocol", `registry ${this.#ctx.registry} asks for unsupported "${challenge.scheme}" authentication`, repository);
    const key = this.#key(challenge, scopes);
    const cached = this.#tokens.get(key);
    if (cached && cached.expiresAt > Date.now()) return cached.header;
    const entry: CachedToken = { header: this.#fetchToken(challenge, scopes, repository, (expiresAt) => (entry.expiresAt = expiresAt)), expiresAt: Infinity };
    this.#tokens.set(key, entry);
    entry.header.catch(() => this.#tokens.delete(key));
    return entry.header;
  }

  /** Drops a cached token the registry no longer accepts. */
  forget(challenge: Challenge, scopes: string[]): void {
    this.#tokens.delete(this.#key(challenge, scopes));
  }

  #key(challenge: Challenge, scopes: string[]): string {
    return [challenge.params.realm, challenge.params.service, ...[...scopes].sort()].join(" ");
  }

  #fail(kind: RegistryError["kind"], message: string, repository: string | undefined, status?: number): RegistryError {
    return new RegistryError(kind, this.#ctx.redactor.redact(message), {
      registry: this.#ctx.registry,
      ...(repository && { repository }),
      ...(status !== undefined && { status }),
    });
  }

  async #fetchToken(challenge: Challenge, scopes: string[], repository: string | undefined, setExpiry: (at: number) => void): Promise<string> {
    const { registry } = this.#ctx;
    const realm = challenge.params.realm;
    let url: URL;
    try {
      url = new URL(realm ?? "");
    } catch {
      throw this.#fail("protocol", `registry ${registry} sent a Bearer challenge without a valid realm URL (${JSON.stringify(realm ?? "")})`, repository);
    }
    if (challenge.params.service) url.searchParams.set("service", challenge.params.service);
    for (const s of scopes) url.searchParams.append("scope", s);
    const headers: Record<string, string> = { "user-agent": this.#ctx.userAgent };
    if (this.#credentials) {
      // Credentials go wherever the registry's realm says (that is the protocol), but never in clear over a network.
      if (url.protocol !== "https:" && !isLoopback(url.host)) {
        throw this.#fail(
          "protocol",
          `registry ${registry} sends logins to ${url.origin}, which is not https; refusing to send the credentials there`,
          repository,
        );
      }
      url.searchParams.set("account", this.#credentials.username);
      headers.authorization = `Basic ${this.#basic()}`;
    }
    const target = `the token service of registry ${registry} (${url.host})`;
    const res = await send(
      url,
      { headers },
      {
        registry,
        ...(repository && { repository }),
        target,
        hint: `check network access to ${url.host}`,
        timeoutMs: this.#ctx.timeoutMs,
        redactor: this.#ctx.redactor,
        ...(this.#ctx.retry && { retry: this.#ctx.retry }),
      },
    );
    if (res.status === 401) {
      throw this.#credentials
        ? this.#fail(
            "unauthorized",
            `registry ${registry} rejected the credentials for user '${this.#credentials.username}': check ${this.#ctx.credentialSource}`,
            repository,
            401,
          )
        : this.#fail(
            "unauthorized",
            `registry ${registry} requires credentials${repository ? ` for ${repository}` : ""}: set ${this.#ctx.credentialSource}`,
            repository,
            401,
          );
    }
    if (res.status === 403) {
      throw this.#fail(
        "denied",
        `${target} refused a token for ${scopes.join(" ") || "the registry"}${this.#credentials ? ` to user '${this.#credentials.username}'` : ""}: ${describeResponse(res)}`,
        repository,
        403,
      );
    }
    if (res.status !== 200) throw this.#fail("protocol", `${target} answered ${describeResponse(res)}`, repository, res.status);
    let body: { token?: unknown; access_token?: unknown; expires_in?: unknown };
    try {
      body = JSON.parse(res.body.toString("utf8")) as typeof body;
    } catch {
      throw this.#fail("protocol", `${target} answered with something that is not JSON`, repository);
    }
    const token = typeof body.token === "string" && body.token ? body.token : body.access_token;
    if (typeof token !== "string" || !/^[\x21-\x7e]+$/.test(token)) throw this.#fail("protocol", `${target} answered without a usable token`, repository);
    this.#ctx.redactor.add(token);
    // The spec's default lifetime is 60s; renew early so a token never expires mid-request.
    const lifetime = typeof body.expires_in === "number" && body.expires_in > 0 ? body.expires_in : 60;
    setExpiry(Date.now() + Math.max(lifetime - 15, lifetime / 2) * 1000);
    return `Bearer ${token}`;
  }
}
