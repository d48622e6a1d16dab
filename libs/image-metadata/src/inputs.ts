import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import dockerignore from "@balena/dockerignore";

/**
 * What an image is made of: the one definition of an image's inputs.
 *
 * An image's inputs are
 *   - its build context: the package directory minus what its .dockerignore
 *     leaves out (https://docs.docker.com/build/concepts/context/#dockerignore-files);
 *   - image.yaml, package.json and .dockerignore, whatever .dockerignore says:
 *     the pipeline reads the first two itself (base, platforms, description,
 *     version and the parent dependency reach the image as FROM and labels), and
 *     the third decides what the context is;
 *   - its parent's inputs (Nx: the `^image` input; the inputs digest: the
 *     parent's digest folded in);
 *   - the shared pipeline lib and the libs it uses (image-metadata,
 *     harness-env), without their tests and docs (Nx: the libs' `image`
 *     named input in nx.json, reached through each image's dependency on the
 *     pipeline project). They decide how every image is built and labelled,
 *     so a change there affects every image — but they are not part of the
 *     inputs digest label: that label says which files an image was built
 *     from, and a pipeline refactor must not make every published parent look
 *     stale to its children.
 *
 * Not inputs of any image's build or publish: the lint rules (libs/image-lint,
 * an input of `lint` only), the shared test helpers (tools/test-support: only
 * tests import it), the harness, the Nx plugin and the release tooling.
 *
 * The smoke spec is an input of `smoke` only: changing a check re-runs the
 * checks but changes no image and needs no release. Anything else in the
 * package (README.md, CHANGELOG.md, test fixtures .dockerignore leaves out)
 * is an input of nothing: no build, no publish, no changeset.
 *
 * Users: the Nx plugin (named inputs `image` and `smoke`, from
 * {@link nxImageInputs}), the pipeline's inputs digest (from
 * {@link contextFiles}), and through Nx's task-level affected
 * (NX_LEGACY_AFFECTED=false) `nx affected`, `plan --affected` and the
 * changeset check.
 */
export const ALWAYS_INPUTS = ["image.yaml", "package.json", ".dockerignore"] as const;

// A CommonJS module whose typings declare an ES default export: take the
// function from either shape so both tsc (NodeNext) and the runtime agree.
const ignore = ((dockerignore as unknown as { default?: typeof dockerignore }).default ??
  dockerignore) as unknown as () => import("@balena/dockerignore").Ignore;

const clean = (p: string): string => p.replace(/^\.?\//, "").replace(/\/+$/, "");

function patternLines(text: string | null): string[] {
  return (text ?? "")
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
}

/**
 * Nx input patterns for a package's image inputs: the whole project minus its
 * .dockerignore exclusions, except for the files that always count and those
 * in `include` (the smoke spec, for `smoke`). Nx applies a task's exclusions
 * to all of its inputs, so a file re-included for smoke must not be excluded
 * in the same list — hence one list per target, not `image` + a spec input.
 * Re-includes (`!pattern`) cannot be expressed as Nx exclusions, so a
 * .dockerignore using them falls back to the whole directory (too many inputs
 * is safe; too few would serve a stale build).
 */
export function nxImageInputs(dockerignoreText: string | null, opts: { include?: string[] } = {}): string[] {
  const keep = new Set<string>([...ALWAYS_INPUTS, ...(opts.include ?? []).map(clean)]);
  const lines = patternLines(dockerignoreText);
  if (lines.some((l) => l.startsWith("!"))) return ["{projectRoot}/**/*"];
  const exclusions = lines
    .map(clean)
    .filter((p) => p && !keep.has(p))
    .flatMap((p) => (p.includes("*") ? [`!{projectRoot}/${p}`] : [`!{projectRoot}/${p}`, `!{projectRoot}/${p}/**/*`]));
  return ["{projectRoot}/**/*", ...exclusions];
}

/** Files of the build context as Docker sees it: the package directory minus .dockerignore. */
export function contextFiles(packageDir: string): string[] {
  const file = join(packageDir, ".dockerignore");
  const ig = ignore().add(existsSync(file) ? readFileSync(file, "utf8") : "");
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const abs = join(dir, entry.name);
      const rel = relative(packageDir, abs);
      if (ig.ignores(rel)) continue;
      if (entry.isDirectory()) walk(abs);
      else out.push(rel);
    }
  };
  walk(packageDir);
  return out.sort();
}

/**
 * Whether a path inside a package (relative to it) is an image input: one of
 * {@link ALWAYS_INPUTS} or in the build context. Works for deleted files too,
 * so a change list from git can be judged.
 */
export function isImageInput(packageDir: string, rel: string): boolean {
  if ((ALWAYS_INPUTS as readonly string[]).includes(rel)) return true;
  const file = join(packageDir, ".dockerignore");
  return !ignore()
    .add(existsSync(file) ? readFileSync(file, "utf8") : "")
    .ignores(rel);
}
