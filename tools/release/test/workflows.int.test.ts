import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actionlint, actionlintBinary } from "../src/actionlint.ts";
import { secretsUsed, workflowProblems } from "../src/workflow-rules.ts";
import { trustProblems } from "../src/workflow-trust.ts";

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
  name?: string;
  permissions?: Record<string, string>;
  if?: string;
  needs?: string | string[];
  environment?: string;
  "runs-on"?: string;
  strategy?: { "fail-fast"?: boolean; matrix?: { include?: unknown } };
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

interface MatrixEntry {
  runner: string;
  platform: string;
}
/**
 * The matrix a job gets with these repository variables. The only matrix form
 * our workflows use: `include: ${{ fromJSON(vars.IMAGE_NATIVE_ARM64 == 'false'
 * && '<one entry>' || '<native entries>') }}`, evaluated as GitHub does (an
 * unset variable is '', and `==` compares strings case-insensitively).
 */
const NATIVE_SWITCH = /^\$\{\{\s*fromJSON\(\s*vars\.IMAGE_NATIVE_ARM64\s*==\s*'false'\s*&&\s*'([^']+)'\s*\|\|\s*'([^']+)'\s*\)\s*\}\}$/;
function matrixOf(job: Job, vars: Record<string, string> = {}): MatrixEntry[] {
  const include = job.strategy?.matrix?.include;
  const m = NATIVE_SWITCH.exec(String(include));
  if (!m) throw new Error(`not the IMAGE_NATIVE_ARM64 switch: ${JSON.stringify(include)}`);
  return JSON.parse((vars.IMAGE_NATIVE_ARM64 ?? "").toLowerCase() === "false" ? m[1]! : m[2]!) as MatrixEntry[];
}
const NATIVE: MatrixEntry[] = [
  { runner: "ubuntu-24.04", platform: "linux/amd64" },
  { runner: "ubuntu-24.04-arm", platform: "linux/arm64" },
];
// Empty IMAGE_PLATFORM: every platform on one engine, arm64 emulated.
const ONE_ENGINE: MatrixEntry[] = [{ runner: "ubuntu-24.04", platform: "" }];

// The SHAs were read from each action's own repository (tag → commit);
// README's release section and the workflow comments cite them.
const PINNED = {
  "actions/checkout": "3d3c42e5aac5ba805825da76410c181273ba90b1", // v7.0.1
  "actions/setup-node": "820762786026740c76f36085b0efc47a31fe5020", // v7.0.0
  "nrwl/nx-set-shas": "afb73a62d26e41464e9254689e1fd6122ee683c1", // v5.0.1
  "changesets/action": "a45c4d594aa4e2c509dc14a9f2b3b67ba3780d0d", // v1.9.0
  "actions/setup-go": "b7ad1dad31e06c5925ef5d2fc7ad053ef454303e", // v7.0.0
  "actions/upload-artifact": "bbbca2ddaa5d8feaa63e36b76fdaad77386f024f", // v7.0.0
  "actions/download-artifact": "3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c", // v8.0.1
};

describe("GitHub workflows", { timeout: 60_000 }, () => {
  let bin: string;
  beforeAll(async () => {
    bin = await actionlintBinary(REPO, process.env); // builds it from the Go module proxy on first use
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

  it("pass our trust rules: no release power in pull-request code, id-token only where images are signed, releases only from main", () => {
    for (const f of FILES) expect(trustProblems(text(f)), f).toEqual([]);
  });

  it("use exactly these third-party actions, each at its recorded SHA", () => {
    const used = new Map<string, string>();
    for (const f of FILES) for (const s of steps(workflow(f))) if (s.uses) used.set(s.uses.split("@")[0]!, s.uses.split("@")[1]!);
    expect(Object.fromEntries(used)).toEqual(PINNED);
  });

  it("read only the documented secrets, each documented where people look", () => {
    const readme = readFileSync(join(REPO, "README.md"), "utf8"); // the release section lives in the root README
    // No signing secret anywhere: branch images and releases are both signed keyless, each as its own workflow.
    const expected: Record<string, string[]> = {
      ".github/workflows/ci.yml": ["BRANCH_REGISTRY_TOKEN", "DAGGER_CLOUD_TOKEN"],
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

  it("read only documented variables, IMAGE_NATIVE_ARM64 among them, each documented where people look", () => {
    const readme = readFileSync(join(REPO, "README.md"), "utf8");
    const table = readme.slice(readme.indexOf("#### Secrets and variables"), readme.indexOf("#### Pinned actions"));
    const varsIn = (f: string) => [...new Set([...text(f).matchAll(/vars\.([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!))].sort();
    expect(varsIn(".github/workflows/ci.yml")).toEqual(["BRANCH_NAMESPACE", "BRANCH_REGISTRY", "BRANCH_REGISTRY_USERNAME", "IMAGE_NATIVE_ARM64"]);
    expect(varsIn(".github/workflows/release.yml")).toEqual(["DOCKERHUB_USERNAME", "IMAGE_NAMESPACE", "IMAGE_NATIVE_ARM64"]);
    for (const f of FILES) {
      for (const v of varsIn(f)) {
        expect(text(f), `${f}: ${v}`).toMatch(new RegExp(`^#\\s+${v}\\s+\\S`, "m"));
        expect(table, v).toContain(`\`${v}\``);
      }
    }
    expect(readme).toContain("staging-<X.Y.Z>-<os>-<arch>");
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
    it("runs on pull requests to main; only branch-image writes, and only packages and its own OIDC token", () => {
      expect(Object.keys(w.on)).toEqual(["pull_request"]);
      expect(w.permissions).toEqual({});
      for (const [name, job] of Object.entries(w.jobs)) {
        const writes = Object.entries(job.permissions ?? {}).filter(([, v]) => v === "write");
        expect(Object.fromEntries(writes), name).toEqual(name === "branch-image" ? { packages: "write", "id-token": "write" } : {});
      }
    });
    it("checks changesets, runs the tests and `nx affected -t lint` once, in verify, against the SHAs from nx-set-shas", () => {
      const verify = w.jobs.verify!.steps;
      expect(verify.some((s) => s.run === 'npm run check:changesets -- --base "$NX_BASE" --head "$NX_HEAD"')).toBe(true);
      expect(verify.some((s) => /^npx nx affected -t lint --base="\$NX_BASE" --head="\$NX_HEAD"/.test(s.run ?? ""))).toBe(true);
      // The test suite is not repeated per platform: one job runs it, and no job but the smoke smoke-tests.
      expect(
        Object.entries(w.jobs)
          .filter(([, j]) => j.steps.some((s) => s.run === "npm run test:unit"))
          .map(([n]) => n),
      ).toEqual(["verify"]);
      expect(
        Object.entries(w.jobs)
          .filter(([, j]) => j.steps.some((s) => /\bsmoke\b/.test(s.run ?? "")))
          .map(([n]) => n),
      ).toEqual(["smoke"]);
    });
    it("smoke-tests each platform on a native runner of that platform, IMAGE_PLATFORM from the matrix", () => {
      const job = w.jobs.smoke!;
      expect(matrixOf(job)).toEqual(NATIVE);
      expect(matrixOf(job, { IMAGE_NATIVE_ARM64: "true" })).toEqual(NATIVE);
      expect(job.strategy?.["fail-fast"]).toBe(false);
      expect(job["runs-on"]).toBe("${{ matrix.runner }}");
      const smoke = job.steps.find((s) => /nx affected -t smoke\b/.test(s.run ?? ""))!;
      expect(smoke.run).toMatch(/^npx nx affected -t smoke --base="\$NX_BASE" --head="\$NX_HEAD"/);
      expect(smoke.env?.IMAGE_PLATFORM).toBe("${{ matrix.platform }}");
      // The helpers the scan uses, installed as verified release binaries before the smoke.
      const install = job.steps.findIndex((s) => s.run === "npm run tools:attest");
      expect(job.steps[install]?.env).toEqual({ HELPER_TOOLS: "download" });
      expect(install).toBeLessThan(job.steps.indexOf(smoke));
      // Pull-request code: read-only, and no secret but the optional trace token.
      expect(job.permissions).toEqual({ contents: "read", actions: "read" });
      expect(JSON.stringify(job).match(/secrets\.\w+/g)).toEqual(["secrets.DAGGER_CLOUD_TOKEN"]);
    });
    it("IMAGE_NATIVE_ARM64 'false' (no arm64 runners): one smoke on ubuntu-24.04 with an empty IMAGE_PLATFORM, every platform on one engine", () => {
      expect(matrixOf(w.jobs.smoke!, { IMAGE_NATIVE_ARM64: "false" })).toEqual(ONE_ENGINE);
      expect(matrixOf(w.jobs.smoke!, { IMAGE_NATIVE_ARM64: "False" })).toEqual(ONE_ENGINE);
    });
    it("names its checks as README tells branch protection to require them", () => {
      const readme = readFileSync(join(REPO, "README.md"), "utf8").replace(/\s+/g, " ");
      expect(readme).toContain(`requires \`${w.jobs.verify!.name}\``);
      // The job name's one expression, evaluated per matrix entry as GitHub does.
      const [, before, fallback, after] = /^(.*)\$\{\{ matrix\.platform \|\| '([^']+)' \}\}(.*)$/.exec(w.jobs.smoke!.name!)!;
      const names = [...matrixOf(w.jobs.smoke!), ...matrixOf(w.jobs.smoke!, { IMAGE_NATIVE_ARM64: "false" })].map(
        (e) => `${before}${e.platform || fallback}${after}`,
      );
      expect(names).toEqual([
        "Smoke the affected images (linux/amd64)",
        "Smoke the affected images (linux/arm64)",
        "Smoke the affected images (every platform, one engine)",
      ]);
      expect(readme).toContain(`\`${names[0]}\``);
      expect(readme).toContain(`\`${names[2]}\``);
      expect(readme).toContain("`(linux/arm64)`");
    });
    it("publishes a branch-channel image through the environment, so the parent's ^publish task gets it too", () => {
      const publish = all.find((s) => /nx affected -t publish/.test(s.run ?? ""))!;
      expect(publish.env?.IMAGE_CHANNEL).toBe("branch");
      expect(publish.run).not.toMatch(/--channel/);
      // After the tests and every platform's smoke.
      expect(w.jobs["branch-image"]?.needs).toEqual(["verify", "smoke"]);
      expect(w.jobs["branch-image"]?.if).toContain("github.event.pull_request.head.repo.full_name == github.repository");
    });
    it("pushes branch images to the branch repository with credentials that cannot reach release tags, signed keyless as ci.yml", () => {
      const job = w.jobs["branch-image"]!;
      const publish = job.steps.find((s) => /nx affected -t publish/.test(s.run ?? ""))!;
      expect(publish.env).toMatchObject({
        IMAGE_REGISTRY: "${{ vars.BRANCH_REGISTRY || 'ghcr.io' }}",
        REGISTRY_PASSWORD: "${{ secrets.BRANCH_REGISTRY_TOKEN || github.token }}",
      });
      expect(JSON.stringify(job)).not.toMatch(/DOCKERHUB_TOKEN|COSIGN_PRIVATE_KEY|COSIGN_PASSWORD/);
      // GHCR with the job's own token; an OIDC token for the ci.yml identity.
      expect(job.permissions).toEqual({ contents: "read", actions: "read", packages: "write", "id-token": "write" });
      const namespace = job.steps.find((s) => s.name === "The branch repository")!;
      expect(namespace.run).toContain('namespace="${BRANCH_NAMESPACE:-${GITHUB_REPOSITORY,,}/branch}"');
    });
    it("cancels a superseded run of the same pull request", () => {
      expect(w.concurrency).toEqual({ group: "ci-${{ github.event.pull_request.number }}", "cancel-in-progress": true });
    });
  });

  describe("release.yml", () => {
    const w = workflow(".github/workflows/release.yml");
    const all = steps(w);
    const byName = (re: RegExp) => all.find((s) => re.test(s.name ?? ""))!;
    it("runs on pushes to main; a dispatch on another ref publishes nothing and says so", () => {
      expect(w.on).toEqual({ push: { branches: ["main"] }, workflow_dispatch: null });
      expect(w.permissions).toEqual({});
      for (const name of ["plan", "version-pr", "publish", "merge", "tag"]) expect(w.jobs[name]?.if, name).toContain("github.ref == 'refs/heads/main'");
      expect(w.jobs["main-only"]?.if).toBe("github.ref != 'refs/heads/main'");
      expect(w.jobs["main-only"]?.steps[0]?.run).toMatch(/::error::Release runs only on refs\/heads\/main[\s\S]*exit 1/);
    });
    it("each job holds only what its steps need: the version PR no registry and no id-token, publish and merge no repository write, tag no registry", () => {
      expect(Object.keys(w.jobs).sort()).toEqual(["main-only", "merge", "plan", "publish", "tag", "version-pr"]);
      expect(w.jobs.plan?.permissions).toEqual({ contents: "read" });
      expect(w.jobs["version-pr"]?.permissions).toEqual({ contents: "write", "pull-requests": "write" });
      expect(w.jobs.publish?.permissions).toEqual({ contents: "read", actions: "read", "id-token": "write" });
      expect(w.jobs.merge?.permissions).toEqual({ contents: "read", actions: "read", "id-token": "write" });
      expect(w.jobs.tag?.permissions).toEqual({ contents: "write" });
      for (const name of ["plan", "version-pr", "tag"]) expect(JSON.stringify(w.jobs[name]), name).not.toMatch(/secrets\./);
      expect(w.jobs.merge?.needs).toBe("publish");
      expect(w.jobs.tag?.needs).toBe("merge");
      for (const job of Object.values(w.jobs)) {
        for (const s of job.steps) if (s.uses?.startsWith("actions/checkout@")) expect(s.with?.["persist-credentials"]).toBe(false);
      }
    });
    it("publish and merge are the only jobs with the registry credentials, the release environment and an OIDC token", () => {
      const holders = (has: (job: Job) => boolean) =>
        Object.entries(w.jobs)
          .filter(([, j]) => has(j))
          .map(([n]) => n)
          .sort();
      expect(holders((j) => /secrets\.DOCKERHUB_TOKEN\b/.test(JSON.stringify(j)))).toEqual(["merge", "publish"]);
      expect(holders((j) => j.environment === "release")).toEqual(["merge", "publish"]);
      expect(holders((j) => j.permissions?.["id-token"] === "write")).toEqual(["merge", "publish"]);
    });
    it("publishes each platform on a native runner of that platform, IMAGE_PLATFORM from the matrix; one failing does not cancel the other", () => {
      const job = w.jobs.publish!;
      expect(matrixOf(job)).toEqual(NATIVE);
      expect(matrixOf(job, { IMAGE_NATIVE_ARM64: "true" })).toEqual(NATIVE);
      expect(job.strategy?.["fail-fast"]).toBe(false);
      expect(job["runs-on"]).toBe("${{ matrix.runner }}");
      expect(job.name).toContain("${{ matrix.platform");
      const publish = job.steps.find((s) => /nx affected -t publish\b/.test(s.run ?? ""))!;
      expect(publish.env?.IMAGE_PLATFORM).toBe("${{ matrix.platform }}");
      // Native runners emulate nothing, and the one-engine entry needs no QEMU set-up either: the engine brings its emulators.
      expect(job.steps.filter((s) => /qemu|binfmt/i.test(`${s.uses ?? ""} ${s.run ?? ""}`))).toEqual([]);
    });
    it("IMAGE_NATIVE_ARM64 'false' (no arm64 runners): one publish on ubuntu-24.04 with an empty IMAGE_PLATFORM, every platform on one engine", () => {
      expect(matrixOf(w.jobs.publish!, { IMAGE_NATIVE_ARM64: "false" })).toEqual(ONE_ENGINE);
      expect(matrixOf(w.jobs.publish!, { IMAGE_NATIVE_ARM64: "FALSE" })).toEqual(ONE_ENGINE);
      // The same switch as the pull requests' smoke, so a repository without arm64 runners sets one variable.
      expect(w.jobs.publish!.strategy?.matrix?.include).toBe(workflow(".github/workflows/ci.yml").jobs.smoke!.strategy?.matrix?.include);
    });
    it("merges after every platform published: the same affected images, the registry environment, no platform; then the notes", () => {
      const job = w.jobs.merge!;
      expect(job.if).toBe("github.ref == 'refs/heads/main'");
      expect(job["runs-on"]).toBe("ubuntu-24.04");
      expect(job.strategy).toBeUndefined();
      const merge = job.steps.find((s) => /nx affected -t merge\b/.test(s.run ?? ""))!;
      expect(merge.run).toMatch(/^npx nx affected -t merge --base="\$NX_BASE" --head="\$NX_HEAD"/);
      const publish = w.jobs.publish!.steps.find((s) => /nx affected -t publish\b/.test(s.run ?? ""))!;
      const { IMAGE_PLATFORM, ...registryEnv } = publish.env ?? {};
      expect(IMAGE_PLATFORM).toBeDefined();
      expect(merge.env).toEqual(registryEnv);
      expect(merge.env).toMatchObject({ IMAGE_CHANNEL: "release", DOCKERHUB_TOKEN: "${{ secrets.DOCKERHUB_TOKEN }}" });
      // NX_BASE and NX_HEAD computed as in publish: the root-commit fallback, then nx-set-shas.
      const shas = (j: Job) => j.steps.filter((s) => s.id === "root" || s.uses?.startsWith("nrwl/nx-set-shas@"));
      expect(shas(job)).toHaveLength(2);
      expect(shas(job)).toEqual(shas(w.jobs.publish!));
      // Signing tools as verified downloads, before the merge signs.
      const install = job.steps.findIndex((s) => s.run === "npm run tools:attest");
      expect(job.steps[install]?.env).toEqual({ HELPER_TOOLS: "download" });
      expect(install).toBeLessThan(job.steps.indexOf(merge));
      expect(job.steps.find((s) => s.run?.startsWith("npm ci"))?.run).toContain("--ignore-scripts");
      // The release notes come from the merge's results, handed to tag; the publish jobs only summarise their platform.
      const notes = job.steps.findIndex((s) => s.run === "npm run --silent release:notes -- --out dist/release-notes > /dev/null");
      expect(notes).toBeGreaterThan(job.steps.indexOf(merge));
      expect(job.steps[notes]?.if).toBe("${{ !cancelled() }}");
      const upload = job.steps.find((s) => s.uses?.startsWith("actions/upload-artifact@"));
      expect(upload?.with).toMatchObject({ name: "release-notes", path: "dist/release-notes" });
      const download = w.jobs.tag!.steps.find((s) => s.uses?.startsWith("actions/download-artifact@"));
      expect(download?.with).toMatchObject({ name: "release-notes", path: "dist/release-notes" });
      expect(w.jobs.publish!.steps.filter((s) => s.uses?.startsWith("actions/upload-artifact@") || /--out\b/.test(s.run ?? ""))).toEqual([]);
    });
    it("never runs two releases at once and never cancels one half-way", () => {
      expect(w.concurrency).toEqual({ group: "release-${{ github.ref }}", "cancel-in-progress": false });
    });
    it("opens the version PR while releases are pending, with the script that keeps the lockfile in line", () => {
      const version = all.find((s) => s.uses?.startsWith("changesets/action@"))!;
      expect(w.jobs["version-pr"]?.if).toBe("github.ref == 'refs/heads/main' && needs.plan.outputs.pending == 'true'");
      expect(version.with?.version).toBe("npm run version-packages");
      // Through the API with the action's token: the checkout keeps none.
      expect(version.with?.commitMode).toBe("github-api");
      expect(version.with?.publish).toBeUndefined();
    });
    it("otherwise publishes the affected images, writes notes, then tags <image>@<version> in a job of its own", () => {
      const publish = byName(/^Publish affected images/);
      expect(w.jobs.publish?.if).toBe("github.ref == 'refs/heads/main' && needs.plan.outputs.pending == 'false'");
      expect(publish.run).toMatch(/^npx nx affected -t publish --base="\$NX_BASE" --head="\$NX_HEAD"/);
      expect(publish.env).toMatchObject({ IMAGE_CHANNEL: "release", DOCKERHUB_TOKEN: "${{ secrets.DOCKERHUB_TOKEN }}" });
      const tag = w.jobs.tag!.steps.find((s) => s.run?.includes("release:tag"))!;
      expect(tag.run).toContain("GIT_CONFIG_VALUE_0"); // the token reaches git through this step's environment only
      expect(tag.env).toEqual({ GH_TOKEN: "${{ github.token }}" });
      // The pinned helpers are installed as verified release binaries before the publish signs anything
      // (Go stays for a helper without a pinned download).
      const steps = w.jobs.publish!.steps;
      const install = steps.findIndex((s) => s.run === "npm run tools:attest");
      expect(install).toBeGreaterThan(-1);
      expect(steps[install]?.env).toEqual({ HELPER_TOOLS: "download" });
      expect(install).toBeLessThan(steps.indexOf(publish));
      const go = steps.findIndex((s) => s.uses?.startsWith("actions/setup-go@"));
      expect(go).toBeGreaterThan(-1);
      expect(go).toBeLessThan(install);
      // No install scripts where the registry credentials are; our code compiled explicitly.
      expect(steps.find((s) => s.run?.startsWith("npm ci"))?.run).toContain("--ignore-scripts");
      expect(steps.some((s) => s.run === "npm run compile")).toBe(true);
    });
    it("bases affected on the last successful release, and on the root commit the first time", () => {
      const shas = all.find((s) => s.uses?.startsWith("nrwl/nx-set-shas@"))!;
      expect(shas.with?.["fallback-sha"]).toBe("${{ steps.root.outputs.sha }}");
    });
  });
});
