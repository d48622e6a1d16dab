import { describe, expect, it } from "vitest";
import { secretsUsed, workflowProblems } from "../src/workflow-rules.ts";

const SHA = "3d3c42e5aac5ba805825da76410c181273ba90b1";
const wf = (steps: string, head = "permissions: {}\nconcurrency:\n  group: x\n") =>
  `name: t\non: push\n${head}jobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n${steps}`;

describe("workflow rules", () => {
  it("accept SHA-pinned actions with their release in a comment, local actions and digest-pinned containers", () => {
    const text = wf(
      `      - uses: actions/checkout@${SHA} # v7.0.1\n      - uses: ./.github/actions/local\n      - uses: docker://alpine@sha256:${"a".repeat(64)}\n      - uses: "github/codeql-action/init@${SHA}" # v3.1.0\n`,
    );
    expect(workflowProblems(text)).toEqual([]);
  });

  it("refuse a tag, a branch or a short SHA, naming the line", () => {
    const text = wf(`      - uses: actions/checkout@v4\n      - uses: actions/setup-node@main\n      - uses: nrwl/nx-set-shas@afb73a6 # v5\n`);
    expect(workflowProblems(text)).toEqual([
      { line: 10, message: "actions/checkout@v4: pin the action to a full 40-character commit SHA" },
      { line: 11, message: "actions/setup-node@main: pin the action to a full 40-character commit SHA" },
      { line: 12, message: "nrwl/nx-set-shas@afb73a6: pin the action to a full 40-character commit SHA" },
    ]);
  });

  it("want the release a SHA stands for, and containers by digest", () => {
    const text = wf(`      - uses: actions/checkout@${SHA}\n      - uses: docker://alpine:3.20\n`);
    expect(workflowProblems(text).map((p) => p.message)).toEqual([
      `actions/checkout@${SHA}: name the release the SHA is in a trailing comment, e.g. # v1.2.3`,
      "docker://alpine:3.20: pin the container image by digest (@sha256:…)",
    ]);
  });

  it("want top-level permissions without write access, and a concurrency group", () => {
    const step = `      - run: echo hi\n`;
    expect(workflowProblems(wf(step, "")).map((p) => p.message)).toEqual([
      "set top-level `permissions:` (e.g. `{}` or `contents: read`); jobs add only what they need",
      "set top-level `concurrency:` with a `group`, so runs never overlap",
    ]);
    expect(workflowProblems(wf(step, "permissions:\n  contents: write\nconcurrency: x\n")).map((p) => p.message)).toEqual([
      "top-level `permissions:` must not grant write access; grant it in the job that needs it",
    ]);
    expect(workflowProblems(wf(step, "permissions: write-all\nconcurrency: x\n"))).toHaveLength(1);
    expect(workflowProblems(wf(step, "permissions: read-all\nconcurrency: x\n"))).toEqual([]);
  });

  it("list the secrets a workflow reads", () => {
    expect(secretsUsed("a: ${{ secrets.DOCKERHUB_TOKEN }}\nb: ${{ secrets.DAGGER_CLOUD_TOKEN }} ${{ secrets.DOCKERHUB_TOKEN }}")).toEqual([
      "DAGGER_CLOUD_TOKEN",
      "DOCKERHUB_TOKEN",
    ]);
  });
});
