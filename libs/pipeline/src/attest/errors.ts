/** Signing or attesting failed: publish records it and does not move floating tags. */
export class AttestError extends Error {}
