import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actionlint, actionlintBinary } from "../src/actionlint.ts";
import { secretsUsed, workflowProblems } from "../src/workflow-rules.ts";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const FILES = [".github/workflows/ci.yml", ".github/workflows/release.yml"];
const text = (f: string) => readFileSync(join(REPO, f), "utf8");

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  permissions?: Record<string, string>;
  if?: string;
  needs?: string | string[];
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions: unknown;
  concurrency: { group: string; "cancel-in-progress": boolean };
  jobs: Record<string, Job>;
}
const workflow = (f: string) => parse(text(f)) as Workflow;
const steps = (w: Workflow) => Object.values(w.jobs).flatMap((j) => j.steps);

// The SHAs were read from each action's own repository (tag → commit);
// README's release section and the workflow comments cite them.
const PINNED = {
  "actions/checkout": "3d3c42e5aac5ba805825da76410c181273ba90b1", // v7.0.1
  "actions/setup-node": "820762786026740c76f36085b0efc47a31fe5020", // v7.0.0
  "nrwl/nx-set-shas": "afb73a62d26e41464e9254689e1fd6122ee683c1", // v5.0.1
  "changesets/action": "a45c4d594aa4e2c509dc14a9f2b3b67ba3780d0d", // v1.9.0
  "actions/setup-go": "b7ad1dad31e06c5925ef5d2fc7ad053ef454303e", // v7.0.0
};

describe("GitHub workflows", { timeout: 60_000 }, () => {
  let bin: string;
  beforeAll(async () => {
    bin = await actionlintBinary(REPO); // builds it from the Go module proxy on first use
  }, 600_000);

  it("actionlint finds nothing in ci.yml and release.yml", () => {
    expect(actionlint(bin, FILES, REPO)).toEqual([]);
  });

  describe("actionlint is really looking", () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), "actionlint-"));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    it("reports an unknown context property and a job that needs a missing job", () => {
      const bad = join(dir, "bad.yml");
      writeFileSync(bad, "on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    needs: [nope]\n    steps:\n      - run: echo ${{ github.no_such_thing }}\n");
      const kinds = actionlint(bin, [bad], dir).map((f) => f.kind);
      expect(kinds).toEqual(expect.arrayContaining(["expression", "job-needs"]));
    });
  });

  it("pass our rules: actions pinned by SHA with their release named, top-level permissions without write, a concurrency group", () => {
    for (const f of FILES) expect(workflowProblems(text(f)), f).toEqual([]);
  });

  it("use exactly the five third-party actions, each at its recorded SHA", () => {
    const used = new Map<string, string>();
    for (const f of FILES) for (const s of steps(workflow(f))) if (s.uses) used.set(s.uses.split("@")[0]!, s.uses.split("@")[1]!);
    expect(Object.fromEntries(used)).toEqual(PINNED);
  });

  it("read only the documented secrets, each documented where people look", () => {
    const readme = readFileSync(join(REPO, "README.md"), "utf8"); // the release section lives in the root README
    // Branch images are signed with the project's key pair; releases keyless (no signing secret).
    const expected: Record<string, string[]> = {
      ".github/workflows/ci.yml": ["COSIGN_PASSWORD", "COSIGN_PRIVATE_KEY", "DAGGER_CLOUD_TOKEN", "DOCKERHUB_TOKEN"],
      ".github/workflows/release.yml": ["DAGGER_CLOUD_TOKEN", "DOCKERHUB_TOKEN"],
    };
    for (const f of FILES) {
      expect(secretsUsed(text(f))).toEqual(expected[f]);
      for (const s of expected[f]!) {
        expect(text(f)).toMatch(new RegExp(`^#\\s+${s}\\s+\\S`, "m"));
        expect(readme).toContain(s);
      }
    }
  });

  it("only run npm scripts that exist", () => {
    const scripts = Object.keys((JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts);
    for (const f of FILES) {
      for (const s of steps(workflow(f))) {
        const commands = [s.run ?? "", ...Object.values(s.with ?? {}).map(String)].join("\n");
        for (const m of commands.matchAll(/npm run (?:--silent )?([\w:-]+)/g)) expect(scripts, `${f}: npm run ${m[1]}`).toContain(m[1]);
      }
    }
  });

  describe("ci.yml", () => {
    const w = workflow(".github/workflows/ci.yml");
    const all = steps(w);
    it("runs on pull requests to main with read-only jobs", () => {
      expect(Object.keys(w.on)).toEqual(["pull_request"]);
      expect(w.permissions).toEqual({});
      for (const job of Object.values(w.jobs)) expect(Object.values(job.permissions ?? {})).not.toContain("write");
    });
    it("checks changesets and runs `nx affected -t lint smoke` against the SHAs from nx-set-shas", () => {
      expect(all.some((s) => s.run === 'npm run check:changesets -- --base "$NX_BASE" --head "$NX_HEAD"')).toBe(true);
      expect(all.some((s) => /^npx nx affected -t lint smoke --base="\$NX_BASE" --head="\$NX_HEAD"/.test(s.run ?? ""))).toBe(true);
      expect(all.some((s) => s.run === "npm run test:unit")).toBe(true);
    });
    it("publishes a branch-channel image through the environment, so the parent's ^publish task gets it too", () => {
      const publish = all.find((s) => /nx affected -t publish/.test(s.run ?? ""))!;
      expect(publish.env?.IMAGE_CHANNEL).toBe("branch");
      expect(publish.run).not.toMatch(/--channel/);
      // Signed with the key pair: no job of ci.yml may ask for an OIDC token.
      expect(publish.env).toMatchObject({ COSIGN_PRIVATE_KEY: "${{ secrets.COSIGN_PRIVATE_KEY }}", COSIGN_PASSWORD: "${{ secrets.COSIGN_PASSWORD }}" });
      expect(w.jobs["branch-image"]?.needs).toBe("verify");
      expect(w.jobs["branch-image"]?.if).toContain("github.event.pull_request.head.repo.full_name == github.repository");
    });
    it("cancels a superseded run of the same pull request", () => {
      expect(w.concurrency).toEqual({ group: "ci-${{ github.event.pull_request.number }}", "cancel-in-progress": true });
    });
  });

  describe("release.yml", () => {
    const w = workflow(".github/workflows/release.yml");
    const all = steps(w);
    const byName = (re: RegExp) => all.find((s) => re.test(s.name ?? ""))!;
    it("runs on pushes to main; write access only in the job, only for what it does", () => {
      expect(w.on).toEqual({ push: { branches: ["main"] }, workflow_dispatch: null });
      expect(w.permissions).toEqual({});
      // id-token: keyless signing of the published images, and nothing else new.
      expect(w.jobs.release?.permissions).toEqual({ contents: "write", "pull-requests": "write", actions: "read", "id-token": "write" });
    });
    it("never runs two releases at once and never cancels one half-way", () => {
      expect(w.concurrency).toEqual({ group: "release-${{ github.ref }}", "cancel-in-progress": false });
    });
    it("opens the version PR while releases are pending, with the script that keeps the lockfile in line", () => {
      const version = all.find((s) => s.uses?.startsWith("changesets/action@"))!;
      expect(version.if).toBe("steps.pending.outputs.pending == 'true'");
      expect(version.with?.version).toBe("npm run version-packages");
      expect(version.with?.publish).toBeUndefined();
    });
    it("otherwise publishes the affected images, writes notes, then tags <image>@<version>", () => {
      const publish = byName(/^Publish affected images/);
      expect(publish.if).toBe("steps.pending.outputs.pending == 'false'");
      expect(publish.run).toMatch(/^npx nx affected -t publish --base="\$NX_BASE" --head="\$NX_HEAD"/);
      expect(publish.env).toMatchObject({ IMAGE_CHANNEL: "release", DOCKERHUB_TOKEN: "${{ secrets.DOCKERHUB_TOKEN }}" });
      const order = all.map((s) => s.name ?? "");
      const tag = byName(/^Tag new image versions/);
      expect(order.indexOf(tag.name!)).toBeGreaterThan(order.indexOf(publish.name!));
      expect(tag.if).toBe("steps.pending.outputs.pending == 'false'"); // implicit success(): no tag after a failed publish
      expect(tag.run).toContain("release:tag");
      // Go builds the pinned cosign and syft before the publish signs anything.
      const go = all.findIndex((s) => s.uses?.startsWith("actions/setup-go@"));
      expect(go).toBeGreaterThan(-1);
      expect(go).toBeLessThan(all.indexOf(publish));
    });
    it("bases affected on the last successful release, and on the root commit the first time", () => {
      const shas = all.find((s) => s.uses?.startsWith("nrwl/nx-set-shas@"))!;
      expect(shas.with?.["fallback-sha"]).toBe("${{ steps.root.outputs.sha }}");
    });
  });
});
