import { builtinModules } from "node:module";
import { posix } from "node:path";

/**
 * Package boundaries, the pure part: given the workspace's packages and
 * each file's import specifiers, what crosses a boundary it should not.
 * check-boundaries.ts reads the files; this decides.
 *
 * The rules:
 * - a relative import never leaves its own package: another package is
 *   imported by name, through its front door (`exports`);
 * - a workspace package imported by name from a package's sources is one of
 *   its declared dependencies, and the subpath is one it exports;
 * - a third-party package is declared by the importing package or the root;
 * - inside a package that declares `layers` (its src/ folders, lowest
 *   first), a relative import never reaches a higher layer, and every folder
 *   is in one: layers point one way.
 * Test files may import workspace packages by name without declaring them:
 * declaring test-support (or another tool a test drives) would put it in Nx's
 * project graph as a dependency of every image's pipeline, so a change to a
 * test helper would mark every image affected.
 */

export interface WorkspacePackage {
  name: string;
  /** Folder, relative to the workspace root (`libs/pipeline`). */
  dir: string;
  /** dependencies + devDependencies + peerDependencies. */
  declared: ReadonlySet<string>;
  /** `exports` keys (`.`, `./registry`); undefined: the package has no `exports` field. */
  exports?: ReadonlySet<string>;
  /** package.json "layers": src/ folder names, lowest layer first; folders of one layer may import each other. */
  layers?: readonly (readonly string[])[];
}

export interface SourceFile {
  /** Relative to the workspace root. */
  path: string;
  imports: readonly string[];
}

export interface Violation {
  file: string;
  specifier: string;
  message: string;
}

const BUILTINS = new Set(builtinModules);
const isBuiltin = (s: string): boolean => s.startsWith("node:") || BUILTINS.has(s.split("/")[0]!);

/** `@scope/name/sub` → [`@scope/name`, `./sub`]; `name/sub` → [`name`, `./sub`]. */
export function splitSpecifier(specifier: string): [string, string] {
  const parts = specifier.split("/");
  const n = specifier.startsWith("@") ? 2 : 1;
  const rest = parts.slice(n).join("/");
  return [parts.slice(0, n).join("/"), rest ? `./${rest}` : "."];
}

const owner = (packages: readonly WorkspacePackage[], path: string): WorkspacePackage | undefined =>
  packages.find((p) => path === p.dir || path.startsWith(`${p.dir}/`));

const isTestFile = (pkg: WorkspacePackage, path: string): boolean => path.startsWith(`${pkg.dir}/test/`) || /\.test\.ts$/.test(path);

/** The src/ folder a path is in (`libs/pipeline/src/attest/x.ts` → `attest`); undefined for files directly in src/ or outside it. */
function srcFolder(pkg: WorkspacePackage, path: string): string | undefined {
  const rest = path.slice(`${pkg.dir}/src/`.length).split("/");
  return path.startsWith(`${pkg.dir}/src/`) && rest.length > 1 ? rest[0] : undefined;
}

/** A relative import inside `pkg` that points up its layers, or from/to a folder in none. */
function layerViolation(pkg: WorkspacePackage, file: string, target: string): string | undefined {
  if (!pkg.layers) return undefined;
  const from = srcFolder(pkg, file);
  const to = srcFolder(pkg, target);
  if (!from || !to || from === to) return undefined;
  const layerOf = (folder: string) => pkg.layers!.findIndex((l) => l.includes(folder));
  const [a, b] = [layerOf(from), layerOf(to)];
  const where = `${pkg.dir}/package.json "layers"`;
  if (a < 0 || b < 0) return `src/${a < 0 ? from : to} is in no layer of ${pkg.name}: add it to ${where} (lowest first)`;
  if (b > a)
    return `${from} (layer ${a + 1}) imports ${to} (layer ${b + 1}), above it: layers point one way (${where}, lowest first); move what both need down, or pass it in`;
  return undefined;
}

/** Every boundary the files cross, each naming file, specifier and what to do instead. */
export function boundaryViolations(packages: readonly WorkspacePackage[], rootDeclared: ReadonlySet<string>, files: readonly SourceFile[]): Violation[] {
  const byName = new Map(packages.map((p) => [p.name, p]));
  const out: Violation[] = [];
  for (const file of files) {
    const from = owner(packages, file.path);
    if (!from) continue;
    for (const specifier of file.imports) {
      if (specifier.startsWith(".")) {
        const target = posix.normalize(posix.join(posix.dirname(file.path), specifier));
        const to = owner(packages, target);
        if (to && to !== from)
          out.push({
            file: file.path,
            specifier,
            message: `reaches into ${to.name} (${to.dir}) by a relative path: import it by name through its exports (add the subpath to ${to.dir}/package.json "exports" if it is not there)`,
          });
        else if (!to && !target.startsWith(`${from.dir}/`))
          out.push({ file: file.path, specifier, message: `leaves ${from.name} (${from.dir}) by a relative path` });
        else {
          const layer = layerViolation(from, file.path, target);
          if (layer) out.push({ file: file.path, specifier, message: layer });
        }
        continue;
      }
      if (isBuiltin(specifier)) continue;
      const [name, subpath] = splitSpecifier(specifier);
      const to = byName.get(name);
      if (to) {
        if (to === from) {
          out.push({ file: file.path, specifier, message: `imports its own package by name: use a relative path inside ${from.dir}` });
          continue;
        }
        if (!to.exports) {
          out.push({ file: file.path, specifier, message: `${to.name} has no "exports" in ${to.dir}/package.json: give it a front door` });
          continue;
        }
        if (!to.exports.has(subpath))
          out.push({ file: file.path, specifier, message: `${to.name} does not export "${subpath}" (it exports ${[...to.exports].join(", ")})` });
        if (!from.declared.has(name) && !isTestFile(from, file.path))
          out.push({ file: file.path, specifier, message: `${name} is not a dependency of ${from.name}: add it to ${from.dir}/package.json "dependencies"` });
        continue;
      }
      if (!from.declared.has(name) && !rootDeclared.has(name))
        out.push({ file: file.path, specifier, message: `${name} is declared neither by ${from.name} (${from.dir}/package.json) nor by the workspace root` });
    }
  }
  return out;
}

/** Import specifiers of a TypeScript or CommonJS source: static and dynamic imports, re-exports, require. */
export function importSpecifiers(source: string): string[] {
  const out: string[] = [];
  // Statements at the start of a line only: text in strings that looks like an import is not one.
  const patterns = [
    /^\s*(?:import|export)\s[^'"`;]*?\sfrom\s*["']([^"']+)["']/gm,
    /^\s*import\s*["']([^"']+)["']/gm,
    /\bimport\(\s*["']([^"']+)["']\s*\)/g,
    /\brequire\(\s*["']([^"']+)["']\s*\)/g,
  ];
  // Comments may quote imports (as examples); strip them first.
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
  for (const re of patterns) for (const m of code.matchAll(re)) out.push(m[1]!);
  return out;
}
