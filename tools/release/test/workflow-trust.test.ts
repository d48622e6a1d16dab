import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { trustProblems } from "../src/workflow-trust.ts";

const CHECKOUT = "      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1\n        with:\n          persist-credentials: false\n";
const wf = (on: string, job: string) => `name: t\non: ${on}\npermissions: {}\nconcurrency:\n  group: x\njobs:\n  a:\n    runs-on: ubuntu-24.04\n${job}`;
const messages = (text: string) => trustProblems(text).map((p) => p.message);

const releaseJob = (extra = "") =>
  `    if: github.ref == 'refs/heads/main'\n    environment: release\n    permissions:\n      contents: read\n      id-token: write\n${extra}    steps:\n${CHECKOUT}      - run: npm ci --ignore-scripts\n      - run: npx nx affected -t publish\n        env:\n          IMAGE_CHANNEL: release\n          DOCKERHUB_TOKEN: \${{ secrets.DOCKERHUB_TOKEN }}\n`;

describe("workflow trust rules", () => {
  it("accept a release job guarded to main in the release environment", () => {
    expect(messages(wf("push", releaseJob()))).toEqual([]);
  });

  it("refuse release credentials or a signing key in a workflow a pull request triggers", () => {
    for (const secret of ["DOCKERHUB_TOKEN", "COSIGN_PRIVATE_KEY", "COSIGN_PASSWORD", "REGISTRY_PASSWORD"]) {
      const job = `    steps:\n${CHECKOUT}      - run: echo\n        env:\n          X: \${{ secrets.${secret} }}\n`;
      expect(messages(wf("pull_request", job))[0], secret).toMatch(
        new RegExp(`^job a: a pull request triggers this workflow, so its code must not see ${secret}`),
      );
    }
    expect(messages(wf("[pull_request_target]", releaseJob()))).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/must not see DOCKERHUB_TOKEN/),
        "job a: a pull request triggers this workflow; the `release` environment is for release.yml on main only",
        "job a: a pull request triggers this workflow; publish on the branch channel (IMAGE_CHANNEL: branch), never the release channel",
      ]),
    );
  });

  it("refuse a release publish, or a release credential, not guarded to main and the release environment", () => {
    expect(messages(wf("workflow_dispatch", releaseJob().replace("    if: github.ref == 'refs/heads/main'\n", "")))).toEqual([
      "job a: publishes releases: run it only on main in the protected environment (`if: github.ref == 'refs/heads/main'` and `environment: release`)",
    ]);
    expect(messages(wf("push", releaseJob().replace("    environment: release\n", ""))).length).toBe(1);
    const reads = `    steps:\n      - run: echo\n        env:\n          T: \${{ secrets.DOCKERHUB_TOKEN }}\n`;
    expect(messages(wf("push", reads))).toEqual([
      "job a: reads DOCKERHUB_TOKEN: run it only on main in the protected environment (`if: github.ref == 'refs/heads/main'` and `environment: release`)",
    ]);
  });

  it("refuse id-token: write on a job that does not sign", () => {
    const job = `    permissions:\n      id-token: write\n    steps:\n      - run: echo\n`;
    expect(messages(wf("push", job))).toEqual(["job a: `id-token: write` is only for a job that signs (one that runs `-t publish` or `-t merge`)"]);
  });

  it("treat a merge (which signs the index of the staged platforms and moves its tags) as a release publish", () => {
    const mergeJob = releaseJob().replace("npx nx affected -t publish", "npx nx affected -t merge");
    expect(mergeJob).toContain("-t merge");
    expect(messages(wf("push", mergeJob))).toEqual([]);
    const unguarded = mergeJob
      .replace("    if: github.ref == 'refs/heads/main'\n", "")
      .replace("          DOCKERHUB_TOKEN: ${{ secrets.DOCKERHUB_TOKEN }}\n", "");
    expect(unguarded).not.toContain("secrets.");
    expect(messages(wf("push", unguarded))).toEqual([
      "job a: publishes releases: run it only on main in the protected environment (`if: github.ref == 'refs/heads/main'` and `environment: release`)",
    ]);
    expect(
      messages(
        wf(
          "pull_request",
          mergeJob
            .replace("IMAGE_CHANNEL: release", "IMAGE_CHANNEL: branch")
            .replace("    environment: release\n", "")
            .replace("          DOCKERHUB_TOKEN: ${{ secrets.DOCKERHUB_TOKEN }}\n", ""),
        ),
      ),
    ).toEqual([]);
    expect(
      messages(
        wf("pull_request", mergeJob.replace("    environment: release\n", "").replace("          DOCKERHUB_TOKEN: ${{ secrets.DOCKERHUB_TOKEN }}\n", "")),
      ),
    ).toEqual(["job a: a pull request triggers this workflow; publish on the branch channel (IMAGE_CHANNEL: branch), never the release channel"]);
    const withWrite = mergeJob.replace("      contents: read\n", "      contents: write\n");
    expect(messages(wf("push", withWrite))).toEqual([
      "job a: publishes or holds registry credentials, and also contents: write: tag, release and open pull requests in a job of their own",
    ]);
  });

  it("refuse a checkout that keeps its token", () => {
    const job = `    steps:\n      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1\n`;
    expect(messages(wf("push", job))).toEqual([
      "job a: actions/checkout keeps the job's token in .git/config; set `persist-credentials: false` (a push gets its token in that step's environment)",
    ]);
  });

  it("refuse install scripts in a job that holds a secret or a write permission, not in one that holds neither", () => {
    const withSecret = releaseJob().replace("npm ci --ignore-scripts", "npm ci --no-audit");
    expect(messages(wf("push", withSecret))).toEqual([
      "job a: `npm ci --no-audit` runs dependencies' install scripts in a job that holds a secret or a write permission; add --ignore-scripts (and `npm run compile`)",
    ]);
    const writes = `    permissions:\n      contents: write\n    steps:\n      - run: npm install\n`;
    expect(messages(wf("push", writes))).toHaveLength(1);
    const plain = `    permissions:\n      contents: read\n    steps:\n      - run: npm ci\n`;
    expect(messages(wf("push", plain))).toEqual([]);
  });

  it("point at the job's line", () => {
    const job = `    permissions:\n      id-token: write\n    steps:\n      - run: echo\n`;
    expect(trustProblems(wf("push", job))[0]!.line).toBe(7);
  });
});

describe("the workflows before the trust review (fixtures: copies of the files as they were)", () => {
  const fixture = (name: string) => messages(readFileSync(join(dirname(fileURLToPath(import.meta.url)), "fixtures", "before-trust", `${name}.yml`), "utf8"));

  it("ci.yml: the branch job's release token and signing key, and install scripts beside them", () => {
    expect(fixture("ci")).toEqual(
      expect.arrayContaining([
        "job branch-image: a pull request triggers this workflow, so its code must not see DOCKERHUB_TOKEN, COSIGN_PRIVATE_KEY, COSIGN_PASSWORD; publish branch images with branch-only credentials",
        expect.stringMatching(/^job branch-image: `npm ci --no-audit --no-fund` runs dependencies' install scripts/),
      ]),
    );
  });

  it("release.yml: publishing on any ref, repository write beside id-token, a checkout that keeps its token, install scripts", () => {
    expect(fixture("release")).toEqual([
      "job release: publishes releases: run it only on main in the protected environment (`if: github.ref == 'refs/heads/main'` and `environment: release`)",
      "job release: publishes or holds registry credentials, and also contents: write, pull-requests: write: tag, release and open pull requests in a job of their own",
      "job release: actions/checkout keeps the job's token in .git/config; set `persist-credentials: false` (a push gets its token in that step's environment)",
      "job release: `npm ci --no-audit --no-fund` runs dependencies' install scripts in a job that holds a secret or a write permission; add --ignore-scripts (and `npm run compile`)",
    ]);
  });

  it("update-tools.yml: the write token in .git/config while npm ci and the updater run", () => {
    expect(fixture("update-tools")).toEqual([
      "job update: actions/checkout keeps the job's token in .git/config; set `persist-credentials: false` (a push gets its token in that step's environment)",
      "job update: `npm ci --no-audit --no-fund` runs dependencies' install scripts in a job that holds a secret or a write permission; add --ignore-scripts (and `npm run compile`)",
    ]);
  });
});
