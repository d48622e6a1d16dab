import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { INSTALL_ROOT, runMain } from "@image-tooling/cli-support";
import { join, relative } from "node:path";
import { boundaryViolations, ENV_EDGES, envReadLines, envViolations, importSpecifiers, type SourceFile, type WorkspacePackage } from "./boundaries.ts";

/**
 * `npm run check:boundaries`: every package's imports, and its reads of the
 * environment, against the rules in boundaries.ts; part of `npm test` and `npm run test:unit`. Prints each
 * violation (file, import, what to do) and exits 1, or says how many files
 * it read.
 */
const GROUPS = ["libs", "tools", "packages"];
const SKIP = new Set(["node_modules", "dist", "fixtures", ".nx"]);

function readJson(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
}

const keys = (o: unknown): string[] => (o && typeof o === "object" ? Object.keys(o) : []);

export function workspacePackages(root: string): WorkspacePackage[] {
  const out: WorkspacePackage[] = [];
  for (const group of GROUPS) {
    if (!existsSync(join(root, group))) continue;
    for (const entry of readdirSync(join(root, group)).sort()) {
      const file = join(root, group, entry, "package.json");
      if (!existsSync(file)) continue;
      const pkg = readJson(file);
      const exportsField = pkg.exports;
      out.push({
        name: String(pkg.name),
        dir: `${group}/${entry}`,
        declared: new Set([...keys(pkg.dependencies), ...keys(pkg.devDependencies), ...keys(pkg.peerDependencies)]),
        ...(exportsField !== undefined && { exports: new Set(typeof exportsField === "string" ? ["."] : keys(exportsField)) }),
        ...(Array.isArray(pkg.layers) && { layers: (pkg.layers as unknown[]).map((l) => (Array.isArray(l) ? l.map(String) : [String(l)])) }),
      });
    }
  }
  return out;
}

function sources(root: string, dir: string, out: SourceFile[]): void {
  for (const entry of readdirSync(join(root, dir))) {
    if (SKIP.has(entry)) continue;
    const rel = `${dir}/${entry}`;
    if (statSync(join(root, rel)).isDirectory()) sources(root, rel, out);
    else if (/\.(ts|cjs|mjs)$/.test(entry) && !entry.endsWith(".d.ts")) {
      const text = readFileSync(join(root, rel), "utf8");
      out.push({ path: rel, imports: importSpecifiers(text), envReads: envReadLines(text) });
    }
  }
}

export function checkBoundaries(root: string) {
  const packages = workspacePackages(root);
  const files: SourceFile[] = [];
  for (const p of packages) sources(root, p.dir, files);
  const rootPkg = readJson(join(root, "package.json"));
  const rootDeclared = new Set([...keys(rootPkg.dependencies), ...keys(rootPkg.devDependencies)]);
  return { packages, files, violations: [...boundaryViolations(packages, rootDeclared, files), ...envViolations(packages, files)] };
}

function main(): number {
  const root = INSTALL_ROOT;
  const { packages, files, violations } = checkBoundaries(root);
  for (const v of violations) console.error(`${relative(root, join(root, v.file))}${v.line ? `:${v.line}` : ""}: "${v.specifier}": ${v.message}`);
  if (violations.length) {
    console.error(
      `\n✘ ${violations.length} violation${violations.length > 1 ? "s" : ""} of the package boundaries (tools/maintenance/src/boundaries.ts says the rules)`,
    );
    return 1;
  }
  console.log(
    `✔ package boundaries: ${files.length} files of ${packages.length} packages, every import through a front door and declared, the environment read only at the ${ENV_EDGES.length} CLI edges`,
  );
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) runMain("check:boundaries", main);
