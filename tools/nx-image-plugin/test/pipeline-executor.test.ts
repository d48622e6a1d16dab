import type { TaskGraph } from "@nx/devkit";
import { describe, expect, it } from "vitest";
import { groupTasks, pipelineArgs, type PipelineOptions } from "../src/executor/pipeline-executor.ts";

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
