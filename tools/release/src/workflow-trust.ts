import { parse } from "yaml";
import type { Problem } from "./workflow-rules.ts";

/**
 * Who may hold release power, as rules over a workflow file (on top of
 * workflow-rules.ts, which checks pinning, top-level permissions and
 * concurrency), so a later edit cannot quietly undo them:
 * - a workflow a pull request triggers references no release credential and
 *   no signing key, and no job of it runs in the `release` environment;
 * - `id-token: write` only on a job that signs (it runs `-t publish`, or
 *   `-t merge`, which assembles, signs and tags a release from the platforms
 *   publish staged), and a job that publishes or merges holds no repository
 *   write (tags, releases and pull requests are another job's);
 * - a job that publishes or merges on the release channel, or reads a release
 *   credential, runs only on refs/heads/main in the `release` environment;
 * - every checkout keeps no credentials (`persist-credentials: false`): a job
 *   that pushes hands its token to that one step;
 * - a job that holds a secret, a write permission or an OIDC token installs
 *   dependencies without their install scripts (`npm ci --ignore-scripts`).
 */

/** Secrets that can write release tags or sign as the project. */
export const RELEASE_SECRETS = ["DOCKERHUB_TOKEN", "REGISTRY_PASSWORD", "COSIGN_PRIVATE_KEY", "COSIGN_PASSWORD"] as const;

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}
interface Job {
  if?: string;
  environment?: string | { name?: string };
  permissions?: Record<string, string> | string;
  steps?: Step[];
  env?: Record<string, unknown>;
}

const PR_EVENTS = ["pull_request", "pull_request_target"];
const MAIN_GUARD = /github\.ref\s*==\s*'refs\/heads\/main'/;

function events(on: unknown): string[] {
  if (typeof on === "string") return [on];
  if (Array.isArray(on)) return on.map(String);
  return Object.keys((on ?? {}) as object);
}

/** The line of `  <job>:` under `jobs:`, for pointing at it. */
function jobLine(text: string, name: string): number {
  const i = text.split(/\r?\n/).indexOf(`  ${name}:`);
  return i < 0 ? 1 : i + 1;
}

const environmentOf = (job: Job): string | undefined => (typeof job.environment === "string" ? job.environment : job.environment?.name);

const releaseSecretsIn = (jobText: string): string[] =>
  RELEASE_SECRETS.filter((s) => new RegExp(`secrets\\.${s}\\b`).test(jobText) || new RegExp(`secrets\\[['"]${s}['"]\\]`).test(jobText));

/**
 * Whether a step publishes images — `-t publish`, or `-t merge`, which pushes
 * and signs the index of what publish staged and moves its tags — and on which
 * channel (release unless IMAGE_CHANNEL says branch).
 */
function publishChannel(step: Step, job: Job): "release" | "branch" | undefined {
  if (!/-t\s+(?:publish|merge)\b|:(?:publish|merge)\b/.test(step.run ?? "")) return undefined;
  const channel = String(step.env?.IMAGE_CHANNEL ?? job.env?.IMAGE_CHANNEL ?? "release");
  return channel === "branch" ? "branch" : "release";
}

export function trustProblems(text: string): Problem[] {
  let doc: { on?: unknown; jobs?: Record<string, Job> };
  try {
    doc = (parse(text) ?? {}) as typeof doc;
  } catch {
    return []; // workflow-rules.ts reports the YAML error
  }
  const problems: Problem[] = [];
  const fromPullRequests = events(doc.on).some((e) => PR_EVENTS.includes(e));
  for (const [name, job] of Object.entries(doc.jobs ?? {})) {
    if (!job || typeof job !== "object") continue;
    const line = jobLine(text, name);
    const say = (message: string) => problems.push({ line, message: `job ${name}: ${message}` });
    const jobText = JSON.stringify(job);
    const steps = job.steps ?? [];
    const permissions = typeof job.permissions === "object" ? job.permissions : {};
    const secrets = releaseSecretsIn(jobText);
    const publishes = steps.map((s) => publishChannel(s, job)).filter(Boolean);
    const releases = publishes.includes("release");
    const guardedToMain = MAIN_GUARD.test(job.if ?? "") && environmentOf(job) === "release";

    if (fromPullRequests) {
      if (secrets.length)
        say(`a pull request triggers this workflow, so its code must not see ${secrets.join(", ")}; publish branch images with branch-only credentials`);
      if (environmentOf(job) === "release") say("a pull request triggers this workflow; the `release` environment is for release.yml on main only");
      if (releases) say("a pull request triggers this workflow; publish on the branch channel (IMAGE_CHANNEL: branch), never the release channel");
    } else if ((releases || secrets.length) && !guardedToMain) {
      say(
        `${releases ? "publishes releases" : `reads ${secrets.join(", ")}`}: run it only on main in the protected environment (\`if: github.ref == 'refs/heads/main'\` and \`environment: release\`)`,
      );
    }
    if (permissions["id-token"] === "write" && publishes.length === 0)
      say("`id-token: write` is only for a job that signs (one that runs `-t publish` or `-t merge`)");
    const repoWrites = ["contents", "pull-requests"].filter((k) => permissions[k] === "write");
    if ((publishes.length || secrets.length) && repoWrites.length) {
      say(
        `publishes or holds registry credentials, and also ${repoWrites.map((k) => `${k}: write`).join(", ")}: tag, release and open pull requests in a job of their own`,
      );
    }

    for (const step of steps) {
      if (step.uses?.startsWith("actions/checkout@") && step.with?.["persist-credentials"] !== false) {
        say("actions/checkout keeps the job's token in .git/config; set `persist-credentials: false` (a push gets its token in that step's environment)");
      }
    }
    const holdsPower = /secrets\./.test(jobText) || Object.values(permissions).includes("write") || job.permissions === "write-all";
    if (holdsPower) {
      for (const step of steps) {
        for (const cmd of (step.run ?? "").split("\n")) {
          if (/\bnpm (ci|install|i)\b/.test(cmd) && !/--ignore-scripts\b/.test(cmd)) {
            say(
              `\`${cmd.trim()}\` runs dependencies' install scripts in a job that holds a secret or a write permission; add --ignore-scripts (and \`npm run compile\`)`,
            );
          }
        }
      }
    }
  }
  return problems;
}
