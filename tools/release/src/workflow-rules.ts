import { parse } from "yaml";

/**
 * Our own rules for GitHub workflow files, on top of actionlint (which checks
 * that a workflow is valid, not that it is safe):
 * - every action is pinned to a full commit SHA, with the release it is named
 *   in a trailing comment (a tag can be moved; a SHA cannot);
 * - container actions are pinned by digest;
 * - `permissions:` is set at the top and grants no write access there, so a
 *   job gets write access only by asking for it;
 * - `concurrency:` is set, so runs of the same workflow never overlap.
 */
export interface Problem {
  line: number;
  message: string;
}

const SHA_PINNED = /^[\w.-]+\/[\w.-]+(\/[^@\s]+)?@[0-9a-f]{40}$/;

export function workflowProblems(text: string): Problem[] {
  const problems: Problem[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const m = /^\s*(?:-\s+)?uses:\s*(["']?)([^"'\s#]+)\1\s*(?:#\s*(.*))?$/.exec(raw);
    if (!m) return;
    const ref = m[2]!;
    const comment = m[3]?.trim();
    const line = i + 1;
    if (ref.startsWith("./")) return;
    if (ref.startsWith("docker://")) {
      if (!/@sha256:[0-9a-f]{64}$/.test(ref)) problems.push({ line, message: `${ref}: pin the container image by digest (@sha256:…)` });
      return;
    }
    if (!SHA_PINNED.test(ref)) problems.push({ line, message: `${ref}: pin the action to a full 40-character commit SHA` });
    else if (!comment || !/^v?\d/.test(comment)) problems.push({ line, message: `${ref}: name the release the SHA is in a trailing comment, e.g. # v1.2.3` });
  });

  let doc: Record<string, unknown>;
  try {
    doc = (parse(text) ?? {}) as Record<string, unknown>;
  } catch (e) {
    return [...problems, { line: 1, message: `not valid YAML: ${(e as Error).message}` }];
  }
  const permissions = doc.permissions;
  if (permissions === undefined)
    problems.push({ line: 1, message: "set top-level `permissions:` (e.g. `{}` or `contents: read`); jobs add only what they need" });
  else if (typeof permissions === "string" ? permissions !== "read-all" : Object.values(permissions as object).some((v) => v === "write")) {
    problems.push({ line: 1, message: "top-level `permissions:` must not grant write access; grant it in the job that needs it" });
  }
  for (const [name, job] of Object.entries((doc.jobs ?? {}) as Record<string, { permissions?: unknown }>)) {
    if (job?.permissions === "write-all") problems.push({ line: 1, message: `job ${name}: \`permissions: write-all\`; list the scopes it needs` });
  }
  const concurrency = doc.concurrency as { group?: unknown } | string | undefined;
  if (!concurrency || (typeof concurrency === "object" && !concurrency.group)) {
    problems.push({ line: 1, message: "set top-level `concurrency:` with a `group`, so runs never overlap" });
  }
  return problems;
}

/** Names of the secrets a workflow reads (`secrets.NAME`). */
export function secretsUsed(text: string): string[] {
  return [...new Set([...text.matchAll(/secrets\.([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!))].sort();
}
