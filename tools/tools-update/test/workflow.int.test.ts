import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { actionlint, actionlintBinary } from "../../release/src/actionlint.ts";
import { secretsUsed, workflowProblems } from "../../release/src/workflow-rules.ts";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const FILE = ".github/workflows/update-tools.yml";
const text = readFileSync(join(REPO, FILE), "utf8");
interface Step {
  name?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
}
const w = parse(text) as {
  on: Record<string, unknown>;
  permissions: unknown;
  concurrency: unknown;
  jobs: Record<string, { permissions?: Record<string, string>; steps: Step[] }>;
};
const steps = Object.values(w.jobs).flatMap((j) => j.steps);

describe("update-tools.yml", { timeout: 60_000 }, () => {
  let bin: string;
  beforeAll(async () => {
    bin = await actionlintBinary(REPO); // built from the Go module proxy on first use
  }, 600_000);

  it("actionlint and our rules find nothing", () => {
    expect(actionlint(bin, [FILE], REPO)).toEqual([]);
    expect(workflowProblems(text)).toEqual([]);
  });

  it("weekly and on demand; one run at a time, never cancelled half-way", () => {
    expect(Object.keys(w.on).sort()).toEqual(["schedule", "workflow_dispatch"]);
    expect(w.concurrency).toEqual({ group: "update-tools", "cancel-in-progress": false });
  });

  it("least privilege: nothing at the top, read for listing, write only where the branch and pull request are made", () => {
    expect(w.permissions).toEqual({});
    expect(w.jobs.images?.permissions).toEqual({ contents: "read" });
    expect(w.jobs.update?.permissions).toEqual({ contents: "write", "pull-requests": "write" });
  });

  it("uses only actions already pinned in README's table, at the same SHAs", () => {
    const readme = readFileSync(join(REPO, "README.md"), "utf8");
    const used = steps.filter((s) => s.uses).map((s) => s.uses!);
    expect(used.length).toBeGreaterThan(0);
    for (const u of used) expect(readme).toContain(`\`${u.split("@")[1]}\``);
    expect(new Set(used.map((u) => u.split("@")[0]))).toEqual(new Set(["actions/checkout", "actions/setup-node"]));
  });

  it("runs the updater per image and opens the pull request with gh; inputs reach scripts only through env", () => {
    const update = steps.find((s) => s.run?.includes("npm run tools:update"))!;
    expect(update.run).toContain('npm run tools:update -- --image "$IMAGE" --summary "$RUNNER_TEMP/summary.md"');
    expect(update.env).toMatchObject({ IMAGE: "${{ matrix.image }}", GITHUB_TOKEN: "${{ github.token }}" });
    expect(steps.some((s) => s.run?.includes("gh pr create") && s.run.includes("gh pr edit"))).toBe(true);
    for (const s of steps) if (s.run) expect(s.run).not.toContain("${{");
  });

  it("reads only the optional TOOLS_UPDATE_TOKEN secret, documented in the file and the README", () => {
    expect(secretsUsed(text)).toEqual(["TOOLS_UPDATE_TOKEN"]);
    expect(text).toMatch(/^#\s+TOOLS_UPDATE_TOKEN\s+\S/m);
    expect(readFileSync(join(REPO, "README.md"), "utf8")).toContain("TOOLS_UPDATE_TOKEN");
  });
});
