import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { parse } from "yaml";
import { secretsUsed, workflowProblems } from "../src/workflow-rules.ts";

const text = readFileSync(new URL("../../../.github/workflows/rescan.yml", import.meta.url), "utf8");
const wf = parse(text) as {
  on: Record<string, unknown>;
  permissions: unknown;
  jobs: Record<string, { permissions: Record<string, string>; steps: { run?: string }[] }>;
};

it("rescan.yml: weekly, no secrets, issues: write only in the job that opens issues, and it runs npm run vulns:rescan", () => {
  expect(workflowProblems(text)).toEqual([]);
  expect(wf.on.schedule).toBeDefined();
  expect(wf.permissions).toEqual({});
  expect(secretsUsed(text)).toEqual([]);
  expect(wf.jobs.rescan!.permissions).toEqual({ contents: "read" });
  expect(wf.jobs.issues!.permissions).toEqual({ issues: "write" });
  expect(wf.jobs.rescan!.steps.some((s) => s.run?.includes("npm run --silent vulns:rescan"))).toBe(true);
});
