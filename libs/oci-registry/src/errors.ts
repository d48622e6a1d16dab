/**
 * One error type for everything the registry can do wrong, so callers can
 * branch on `kind` (a publish stops on `unauthorized`, a plan may treat
 * `not-found` as "nothing published yet") and print `message` as is: it names
 * the registry, the repository when there is one, and what to do next.
 */
export type RegistryErrorKind = "unreachable" | "unauthorized" | "denied" | "not-found" | "protocol";

export interface RegistryErrorDetails {
  /** The registry as configured (e.g. `docker.io`, `127.0.0.1:5000`). */
  registry: string;
  /** Full repository reference (`<registry>/<repo>`), when the failure concerns one. */
  repository?: string;
  /** HTTP status of the response that failed, when there was one. */
  status?: number;
  /** Low-level cause; only ever a network error, which carries no credentials. */
  cause?: unknown;
}

export class RegistryError extends Error {
  readonly kind: RegistryErrorKind;
  readonly registry: string;
  readonly repository?: string;
  readonly status?: number;

  constructor(kind: RegistryErrorKind, message: string, details: RegistryErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "RegistryError";
    this.kind = kind;
    this.registry = details.registry;
    if (details.repository !== undefined) this.repository = details.repository;
    if (details.status !== undefined) this.status = details.status;
  }
}

/**
 * A registry, repository, tag or digest that is not well formed: bad input
 * (usually IMAGE_REGISTRY, IMAGE_NAMESPACE or an image name), reported before
 * any request is made, and printed as one message without a stack.
 */
export class InvalidReferenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidReferenceError";
  }
}

/**
 * Replaces every known secret in a text. Messages can quote what a registry
 * answered, and a registry (or a proxy) may echo a request header back; this
 * is the last line of defence before such text reaches a log.
 */
export class Redactor {
  readonly #secrets = new Set<string>();

  add(secret: string | undefined): void {
    if (secret) this.#secrets.add(secret);
  }

  /** Longest secret first, so a secret that contains another is replaced whole. */
  redact(text: string): string {
    let out = text;
    for (const s of [...this.#secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join("***");
    return out;
  }
}
