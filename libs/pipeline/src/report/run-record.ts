import type { ImageResult } from "./result.ts";

type Tags = NonNullable<ImageResult["tags"]>;
type Draft = Omit<ImageResult, "status" | "durationMs"> & { t0: number; pending: string[] };

/**
 * What a run has done so far, image by image, so that a run that stops half
 * way still leaves a result file saying what it pushed and which tags it
 * moved. Commands record each fact as it becomes true (a tag only after the
 * registry stored it); the CLI turns the record into result files whether
 * the run finished or failed.
 */
export class RunRecord {
  readonly #done: ImageResult[] = [];
  #current: Draft | undefined;

  constructor(private readonly now: () => number = Date.now) {}

  /** Starts the record of one image; an unfinished previous one is dropped (it never started work). */
  begin(fields: Pick<ImageResult, "image" | "version" | "command"> & Partial<ImageResult>): void {
    this.#current = { ...fields, t0: this.now(), pending: [] };
  }

  get current(): Readonly<Omit<ImageResult, "status" | "durationMs">> | undefined {
    return this.#current;
  }

  /** Adds what became known about the current image (repository, inputs digest, base…). */
  note(fields: Partial<Omit<ImageResult, "image" | "status" | "durationMs">>): void {
    if (this.#current) Object.assign(this.#current, fields);
  }

  /** The tags this image's publish means to write, in order; each is crossed off by `tag`. */
  plan(tags: string[]): void {
    if (this.#current) this.#current.pending = [...tags];
  }

  /** A tag as it now stands in the registry (written, or found there and left alone). */
  tag(tag: string, entry: Tags[string]): void {
    if (!this.#current) return;
    this.#current.tags = { ...this.#current.tags, [tag]: entry };
    this.#current.pending = this.#current.pending.filter((t) => t !== tag);
  }

  /** Completes the current image with `status`; fields given override what was recorded. */
  finish(status: ImageResult["status"], fields: Partial<ImageResult> = {}): ImageResult {
    const d = this.#current;
    if (!d) throw new Error("RunRecord.finish without begin");
    const { t0, pending: _pending, ...rest } = d;
    const result: ImageResult = { ...rest, ...fields, status, durationMs: fields.durationMs ?? this.now() - t0 };
    this.#done.push(result);
    this.#current = undefined;
    return result;
  }

  /** Every finished image. */
  results(): ImageResult[] {
    return [...this.#done];
  }

  /**
   * The results of a run that stopped with `error`: the finished images, and
   * the current one as `failed` with what it had done and what it had not.
   */
  failed(error: string, fields: Partial<ImageResult> = {}): ImageResult[] {
    const d = this.#current;
    if (!d) return this.results();
    const pending = d.pending;
    const written = Object.entries(d.tags ?? {}).filter(([, t]) => t.action !== "skip" && t.digest);
    const notice = [
      written.length ? `written before the failure: ${written.map(([tag, t]) => `${tag} → ${t.digest}`).join(", ")}` : "nothing was written to the registry",
      pending.length ? `not written: ${pending.join(", ")}` : "",
    ]
      .filter(Boolean)
      .join("; ");
    const earlier = d.notice ? `${d.notice}; ` : "";
    this.finish("failed", {
      error,
      ...((d.command === "publish" || pending.length > 0) && { notice: earlier + notice }),
      ...(pending.length && { pendingTags: pending }),
      ...fields,
    });
    return this.results();
  }
}
