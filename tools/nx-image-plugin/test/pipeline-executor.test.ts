import type { TaskGraph } from "@nx/devkit";
import { describe, expect, it } from "vitest";
import { groupTasks, isProgressLine, pipelineArgs, type PipelineOptions } from "../src/executor/pipeline-executor.ts";

function graph(tasks: [id: string, deps: string[]][]): TaskGraph {
  return {
    roots: tasks.filter(([, deps]) => deps.length === 0).map(([id]) => id),
    tasks: Object.fromEntries(
      tasks.map(([id]) => [id, { id, target: { project: id.split(":")[0]!, target: id.split(":")[1]! }, overrides: {}, outputs: [], parallelism: true }]),
    ),
    dependencies: Object.fromEntries(tasks.map(([id, deps]) => [id, deps])),
    continuousDependencies: Object.fromEntries(tasks.map(([id]) => [id, []])),
  } as unknown as TaskGraph;
}

/** The pipeline command line each group of a batch becomes. */
const commandLines = (groups: ReturnType<typeof groupTasks>) =>
  groups.map((grp) =>
    pipelineArgs(
      grp.options,
      grp.tasks.map((t) => t.image),
    ),
  );

describe("the pipeline executor's batches", () => {
  it("run one pipeline per command and options, each task's dependencies in the same run or an earlier one", () => {
    const g = graph([
      ["leaf:publish", ["mid:publish"]],
      ["mid:publish", ["root:publish"]],
      ["root:publish", []],
      ["other:publish", []],
      ["root:smoke", []],
    ]);
    const publish: PipelineOptions = { command: "publish" };
    const groups = groupTasks(g, {
      "leaf:publish": publish,
      "mid:publish": publish,
      "root:publish": publish,
      "other:publish": publish,
      "root:smoke": { command: "smoke" },
    });
    expect(commandLines(groups)).toEqual([
      ["publish", "root", "mid", "leaf", "other"],
      ["smoke", "root"],
    ]);
  });

  it("keep tasks with different options apart, and pass the options as the CLI's flags", () => {
    const g = graph([
      ["a:publish", []],
      ["b:publish", []],
    ]);
    const groups = groupTasks(g, {
      "a:publish": { command: "publish", dryRun: true },
      "b:publish": { command: "publish", channel: "branch", branch: "feat/x", verbose: true },
    });
    expect(commandLines(groups)).toEqual([
      ["publish", "a", "--dry-run"],
      ["publish", "b", "--verbose", "--channel", "branch", "--branch", "feat/x"],
    ]);
  });
});

describe("what goes out live from Nx's batch worker", () => {
  it("progress: steps starting, done, still running, retrying, and the compile", () => {
    for (const line of [
      "▶ fixture-base: smoke linux/amd64 (8 checks)\n",
      "✔ fixture-base: smoke linux/amd64 (8 checks) (4.5 s)\n",
      "  … fixture-base: push (1m 10s)\n",
      "  ↻ GET /v2/ on registry r: connection reset; waiting 1 s, then retry 1 of 5\n",
      "compiling the pipeline to JavaScript (not compiled yet) …\n",
    ])
      expect(isProgressLine(line), line).toBe(true);
  });

  it("not results: check lists, the failure block, plans and the summary table (Nx prints those once, with the task)", () => {
    for (const line of [
      "  ✔ [linux/amd64] hello runs through the entrypoint\n",
      "  ✘ [linux/arm64] always fails\n",
      "✘ smoke failed: fixture-base: 2 of 15 smoke checks failed\n",
      "    exit code 7, expected 0\n",
      "│ fixture-base │ 1.0.0   │ failed │\n",
    ])
      expect(isProgressLine(line), line).toBe(false);
  });
});
