/** The vulnerability database is missing, unreadable or too old: the run stops with this one message. */
export class VulnDbError extends Error {}

/** A scan could not run (syft or grype failed). */
export class ScanError extends Error {}
