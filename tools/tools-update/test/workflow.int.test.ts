import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { actionlint, actionlintBinary } from "@image-tooling/release/actionlint";
import { secretsUsed, workflowProblems } from "@image-tooling/release/workflow-rules";
import { trustProblems } from "@image-tooling/release/workflow-trust";

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
    bin = await actionlintBinary(REPO, process.env); // built from the Go module proxy on first use
  }, 600_000);

  it("actionlint and our rules find nothing", () => {
    expect(actionlint(bin, [FILE], REPO)).toEqual([]);
    expect(workflowProblems(text)).toEqual([]);
    expect(trustProblems(text)).toEqual([]);
  });

  it("weekly and on demand; one run at a time, never cancelled half-way", () => {
    expect(Object.keys(w.on).sort()).toEqual(["schedule", "workflow_dispatch"]);
    expect(w.concurrency).toEqual({ group: "update-tools", "cancel-in-progress": false });
  });

  it("least privilege: nothing at the top, read for listing and for the updater, write only in the job that runs none of our code", () => {
    expect(w.permissions).toEqual({});
    expect(w.jobs.images?.permissions).toEqual({ contents: "read" });
    expect(w.jobs.update?.permissions).toEqual({ contents: "read" });
    expect(w.jobs["pull-request"]?.permissions).toEqual({ contents: "write", "pull-requests": "write" });
    const pr = w.jobs["pull-request"]!.steps;
    expect(pr.some((s) => /\bnpm (ci|install|i)\b|\bnpx\b|\btsx\b/.test(s.run ?? ""))).toBe(false);
    // The write token reaches git only in the push step's environment, never .git/config.
    for (const s of steps)
      if (s.uses?.startsWith("actions/checkout@")) expect((s as { with?: Record<string, unknown> }).with?.["persist-credentials"]).toBe(false);
    expect(pr.find((s) => s.run?.includes("git push"))!.run).toContain("GIT_CONFIG_VALUE_0");
  });

  it("says plainly when CI will not run on the pull request (no TOOLS_UPDATE_TOKEN), in a warning and in the pull request", () => {
    const check = w.jobs["pull-request"]!.steps.find((s) => s.name === "Will CI run on the pull request?")!;
    expect(check.env).toEqual({ HAS_TOKEN: "${{ secrets.TOOLS_UPDATE_TOKEN != '' }}" });
    expect(check.run).toContain("::warning::TOOLS_UPDATE_TOKEN is not set: this pull request is opened with GITHUB_TOKEN, so CI (ci.yml) will NOT run on it");
    const open = w.jobs["pull-request"]!.steps.find((s) => s.run?.includes("gh pr create"))!;
    expect(open.run).toContain("CI will not run on this pull request by itself");
  });

  it("uses only actions already pinned in README's table, at the same SHAs", () => {
    const readme = readFileSync(join(REPO, "README.md"), "utf8");
    const used = steps.filter((s) => s.uses).map((s) => s.uses!);
    expect(used.length).toBeGreaterThan(0);
    for (const u of used) expect(readme).toContain(`\`${u.split("@")[1]}\``);
    expect(new Set(used.map((u) => u.split("@")[0]))).toEqual(
      new Set(["actions/checkout", "actions/setup-node", "actions/upload-artifact", "actions/download-artifact"]),
    );
  });

  it("runs the updater per image and opens the pull request with gh; inputs reach scripts only through env", () => {
    const update = steps.find((s) => s.run?.includes("npm run tools:update"))!;
    expect(update.run).toContain('if [ "$IMAGE" = pipeline-helpers ]; then set -- --helpers; else set -- --image "$IMAGE"; fi');
    expect(update.run).toContain('npm run tools:update -- "$@" --summary "$RUNNER_TEMP/summary.md"');
    // The helper lock has an entry of its own in the matrix.
    expect(steps.find((s) => s.run?.includes("packages/*/tools.lock.json"))!.run).toContain("pipeline-helpers");
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
