/**
 * The executor of the images' build, smoke, publish and load targets. Nx hands it
 * every such task of a run at once (`preferBatch`), and it runs each command's
 * images in ONE pipeline run inside Nx's batch worker — one Node start, one
 * workspace read, one Dagger SDK load, one engine session for build/smoke —
 * instead of one process per image. The pipeline runs them parents first and
 * reports each image the moment it is done, so Nx finishes (and caches) that
 * task while the others go on. `--batch=false` (or NX_BATCH_MODE=false) runs
 * one image per task process, as `runOne`.
 */
import { pathToFileURL } from "node:url";
import type { ExecutorContext, TaskGraph } from "@nx/devkit";
import { compiledEntry } from "@image-tooling/compile";

export interface PipelineOptions {
  command: "build" | "smoke" | "publish" | "merge" | "load";
  dryRun?: boolean;
  /** One platform (`nx run <image>:load --platform linux/arm64`); for every task of a run, env IMAGE_PLATFORM. */
  platform?: string;
  channel?: string;
  branch?: string;
  verbose?: boolean;
}

export interface TaskResult {
  success: boolean;
  terminalOutput: string;
}

/** The pipeline's arguments for a group of tasks sharing one command and the same options. */
export function pipelineArgs(options: PipelineOptions, images: string[]): string[] {
  return [
    options.command,
    ...images,
    ...(options.dryRun ? ["--dry-run"] : []),
    ...(options.verbose ? ["--verbose"] : []),
    ...(options.channel ? ["--channel", options.channel] : []),
    ...(options.branch ? ["--branch", options.branch] : []),
    ...(options.platform ? ["--platform", options.platform] : []),
  ];
}

/**
 * The batch's tasks as pipeline runs: one per command + options, in the order
 * the task graph allows (a task's dependencies sit in the same group — publish
 * depends on its parents' publish — or in an earlier one). Within a group the
 * pipeline itself orders parents first.
 */
export function groupTasks(
  taskGraph: TaskGraph,
  inputs: Record<string, PipelineOptions>,
): { options: PipelineOptions; tasks: { id: string; image: string }[] }[] {
  const groups = new Map<string, { options: PipelineOptions; tasks: { id: string; image: string }[] }>();
  for (const id of topological(taskGraph)) {
    const options = inputs[id]!;
    const key = JSON.stringify(pipelineArgs(options, []));
    let group = groups.get(key);
    if (!group) {
      group = { options, tasks: [] };
      groups.set(key, group);
    }
    group.tasks.push({ id, image: taskGraph.tasks[id]!.target.project });
  }
  return [...groups.values()];
}

function topological(taskGraph: TaskGraph): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (id: string) => {
    if (seen.has(id) || !taskGraph.tasks[id]) return;
    seen.add(id);
    for (const dep of taskGraph.dependencies[id] ?? []) visit(dep);
    out.push(id);
  };
  for (const id of Object.keys(taskGraph.tasks).sort()) visit(id);
  return out;
}

/** Nx's batch implementation: yields each task's result as its image finishes. */
export async function* runBatch(
  taskGraph: TaskGraph,
  inputs: Record<string, PipelineOptions>,
  _overrides: unknown,
  context: ExecutorContext,
): AsyncGenerator<{ task: string; result: TaskResult }> {
  for (const group of groupTasks(taskGraph, inputs)) {
    for await (const r of runPipeline(context.root, group.options, group.tasks, "progress-live")) yield r;
  }
}

/** Nx's single-task implementation (batching turned off). */
export async function runOne(options: PipelineOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  let success = false;
  for await (const r of runPipeline(context.root, options, [{ id: context.projectName!, image: context.projectName! }], "all-live")) success = r.result.success;
  return { success };
}

/** The compiled CLI's entry for a caller in the same process (libs/pipeline/src/cli/main.ts). */
type RunArgv = (argv: string[], env: Record<string, string | undefined>, onImage: (report: { image: string; status: string }) => void) => Promise<number>;

/**
 * A line of progress: a step starting, finishing, still running or retrying,
 * or the pipeline being compiled. Results (check lists, plans, errors) are not.
 */
export const isProgressLine = (line: string): boolean => /^(▶ |✔ | {2}… | {2}↻ |compiling |compiled |using the air-gapped )/.test(line);

/**
 * How the run's output reaches the terminal. `all-live`: everything as it is
 * written (a task process of its own, whose output Nx streams and does not
 * print again). `progress-live`: Nx's batch worker, whose output Nx streams
 * live AND then prints each task's terminal output again when the task ends;
 * so only progress lines go out live, and everything else is held and becomes
 * the task's terminal output, printed once by Nx (and replayed from its cache).
 * What no task claims (the summary table at the end) is written out live.
 */
export type OutputMode = "all-live" | "progress-live";

/**
 * Runs the pipeline once for `tasks`, in this process (Nx's worker: no second
 * Node start), and yields a result per task as the pipeline reports its image.
 * Each task's terminal output is what was printed (held, in `progress-live`)
 * since the previous task finished. An image the pipeline never reported fails
 * with all of the output.
 */
async function* runPipeline(
  root: string,
  options: PipelineOptions,
  tasks: { id: string; image: string }[],
  mode: OutputMode,
): AsyncGenerator<{ task: string; result: TaskResult }> {
  let all = "";
  let segment = "";
  const queue: ({ task: string; result: TaskResult } | null)[] = [];
  let wake: (() => void) | undefined;
  const push = (item: { task: string; result: TaskResult } | null) => {
    queue.push(item);
    wake?.();
  };
  const reported = new Set<string>();
  const onImage = (report: { image: string; status: string }) => {
    const task = tasks.find((t) => t.image === report.image);
    if (!task || reported.has(task.id)) return;
    reported.add(task.id);
    push({ task: task.id, result: { success: report.status !== "failed", terminalOutput: segment } });
    segment = "";
  };

  const restore = teeOutput(
    (text) => {
      all += text;
      segment += text;
    },
    mode === "progress-live" ? isProgressLine : () => true,
  );
  let exitCode = 1;
  const run = (async () => {
    try {
      const { runArgv } = (await import(pathToFileURL(compiledEntry(root, "pipeline-cli")).href)) as { runArgv: RunArgv };
      exitCode = await runArgv(
        pipelineArgs(
          options,
          tasks.map((t) => t.image),
        ),
        process.env,
        onImage,
      );
    } catch (e) {
      process.stderr.write(`cannot run the pipeline: ${(e as Error).message}\n`);
    } finally {
      restore();
      // What no task claimed (the summary table) still reaches the terminal, once.
      if (mode === "progress-live" && segment) process.stderr.write(segment);
      push(null);
    }
  })();

  for (;;) {
    if (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
    wake = undefined;
    const item = queue.shift();
    if (item === undefined) continue;
    if (item === null) break;
    yield item;
  }
  await run;
  for (const t of tasks) {
    if (reported.has(t.id)) continue;
    const why = `the pipeline (exit code ${exitCode}) reported no result for ${t.image}\n`;
    process.stderr.write(why);
    yield { task: t.id, result: { success: false, terminalOutput: all + why } };
  }
}

/**
 * Until the returned function is called: when `live` accepts everything,
 * copies all that is written to stdout and stderr to `sink` as well; otherwise
 * splits it into lines, lets through to the stream those `live` accepts and
 * gives the rest to `sink` only.
 */
function teeOutput(sink: (text: string) => void, live: (line: string) => boolean): () => void {
  const everythingLive = live("");
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((stream) => stream.write);
  const partial = ["", ""];
  for (const [i, stream] of streams.entries()) {
    const write = originals[i]!;
    const out = (text: string) => (write as (...args: unknown[]) => boolean).call(stream, text);
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString();
      if (everythingLive) {
        sink(text);
        return (write as (...args: unknown[]) => boolean).call(stream, chunk, ...rest);
      }
      const lines = (partial[i] + text).split(/(?<=\n)/);
      partial[i] = lines.at(-1)!.endsWith("\n") ? "" : lines.pop()!;
      for (const line of lines) {
        if (live(line)) out(line);
        else sink(line);
      }
      const callback = rest.find((r) => typeof r === "function") as (() => void) | undefined;
      callback?.();
      return true;
    }) as typeof stream.write;
  }
  return () => {
    for (const [i, stream] of streams.entries()) stream.write = originals[i]!;
    const rest = partial.join("");
    if (rest) sink(rest);
  };
}
