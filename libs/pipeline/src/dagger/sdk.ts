/**
 * The Dagger SDK, loaded on first use. Importing it costs more than everything
 * else a run with nothing to build does (measured: about 1 s of a no-op
 * publish's 2.5 s on an idle 2-core machine, more under load), so modules
 * that only sometimes open a session take it from here instead of a static
 * import. Types still come from a static `import type`, which costs nothing.
 */
let sdk: Promise<typeof import("@dagger.io/dagger")> | undefined;

export function daggerSdk(): Promise<typeof import("@dagger.io/dagger")> {
  sdk ??= import("@dagger.io/dagger");
  return sdk;
}
