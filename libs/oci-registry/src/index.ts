// The OCI distribution client: references, media types and documents, the
// token dance, bounded retries and the operations on a registry. Used by the
// pipeline, the harness, the tools updater, the image generator and the bench.
// Layers point one way: media/reference/errors ← retry ← transport ← auth ← client ← base-digest, push-image.
export * from "./auth.ts";
export * from "./base-digest.ts";
export * from "./client.ts";
export * from "./documents.ts";
export * from "./errors.ts";
export * from "./media.ts";
export * from "./push-image.ts";
export * from "./reference.ts";
export * from "./retry.ts";
export * from "./size.ts";
export * from "./transient-text.ts";
export * from "./transport.ts";
