/**
 * The executor of the images' build, smoke and publish targets. Nx hands it
 * every such task of a run at once (`preferBatch`), and it runs each command's
 * images in ONE pipeline process — one Node start, one workspace read, one
 * Dagger SDK load, one engine session for build/smoke — instead of one
 * process per image. The pipeline runs them parents first and reports each
 * image the moment it is done, so Nx finishes (and caches) that task while
 * the others go on. `--batch=false` (or NX_BATCH_MODE=false) runs one image
 * per process, as `runOne`.
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import type { ExecutorContext, TaskGraph } from "@nx/devkit";
import { compiledEntry } from "@image-tooling/compile";

export interface PipelineOptions {
  command: "build" | "smoke" | "publish";
  dryRun?: boolean;
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
    for await (const r of runPipeline(context.root, group.options, group.tasks)) yield r;
  }
}

/** Nx's single-task implementation (batching turned off). */
export async function runOne(options: PipelineOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  let success = false;
  for await (const r of runPipeline(context.root, options, [{ id: context.projectName!, image: context.projectName! }])) success = r.result.success;
  return { success };
}

/**
 * Runs the pipeline CLI once for `tasks`, streaming its output, and yields a
 * result per task as the CLI reports that image on fd 3. An image the CLI
 * never reported (it crashed, or was killed) fails with all of the output.
 */
async function* runPipeline(
  root: string,
  options: PipelineOptions,
  tasks: { id: string; image: string }[],
): AsyncGenerator<{ task: string; result: TaskResult }> {
  let cli: string;
  try {
    cli = compiledEntry(root, "pipeline-cli");
  } catch (e) {
    const why = `${(e as Error).message}\n`;
    process.stderr.write(why);
    for (const t of tasks) yield { task: t.id, result: { success: false, terminalOutput: why } };
    return;
  }
  const child = spawn(
    process.execPath,
    [
      cli,
      ...pipelineArgs(
        options,
        tasks.map((t) => t.image),
      ),
    ],
    {
      cwd: root,
      env: { ...process.env, IMAGE_PIPELINE_REPORT_FD: "3" },
      stdio: ["inherit", "pipe", "pipe", "pipe"],
    },
  );
  let all = "";
  let segment = "";
  const forward = (stream: Readable, to: NodeJS.WriteStream) =>
    stream.on("data", (chunk: Buffer) => {
      to.write(chunk);
      const text = chunk.toString();
      all += text;
      segment += text;
    });
  forward(child.stdout!, process.stdout);
  forward(child.stderr!, process.stderr);

  const queue: ({ task: string; result: TaskResult } | null)[] = [];
  let wake: (() => void) | undefined;
  const push = (item: { task: string; result: TaskResult } | null) => {
    queue.push(item);
    wake?.();
  };
  const reported = new Set<string>();
  const lines = createInterface({ input: child.stdio[3] as Readable });
  lines.on("line", (line) => {
    let msg: { image?: string; status?: string };
    try {
      msg = JSON.parse(line) as typeof msg;
    } catch {
      return;
    }
    const task = tasks.find((t) => t.image === msg.image);
    if (!task || reported.has(task.id)) return;
    reported.add(task.id);
    push({ task: task.id, result: { success: msg.status !== "failed", terminalOutput: segment } });
    segment = "";
  });
  let exitCode: number | null = null;
  const linesClosed = new Promise<void>((resolve) => lines.on("close", () => resolve()));
  const exited = new Promise<void>((resolve) => {
    child.on("close", (code, signal) => {
      exitCode = code ?? (signal ? 128 : 1);
      resolve();
    });
    child.on("error", (e) => {
      all += `\ncannot start the pipeline: ${e.message}\n`;
      exitCode = 1;
      resolve();
    });
  });
  // Every report line is read before the end is announced.
  Promise.all([exited, linesClosed]).then(() => push(null));

  for (;;) {
    if (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
    wake = undefined;
    const item = queue.shift();
    if (item === undefined) continue;
    if (item === null) break;
    yield item;
  }
  for (const t of tasks) {
    if (reported.has(t.id)) continue;
    const why = `the pipeline (exit code ${exitCode}) reported no result for ${t.image}\n`;
    process.stderr.write(why);
    yield { task: t.id, result: { success: false, terminalOutput: all + why } };
  }
}
