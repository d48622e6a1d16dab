/** A publish that stopped for a reason the user can act on; what it did so far is in the run's RunRecord. */
export class PublishError extends Error {}
