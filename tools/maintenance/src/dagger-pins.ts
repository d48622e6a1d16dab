import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * One Dagger version, three places: the SDK pin (@dagger.io/dagger in
 * package-lock.json and every workspace package that depends on it), the
 * engine the air-gapped harness builds from the Go module at exactly that
 * version (which needs tools/airgap-engine/dagger/v<version>/overlay.json),
 * and the Dagger CLI the buildx image ships (packages/buildx/tools.lock.json).
 * They move in one change; this says where they disagree.
 */
export interface DaggerPins {
  /** package-lock.json's node_modules/@dagger.io/dagger version. */
  sdk: string | undefined;
  /** Workspace package.json → the @dagger.io/dagger version it names. */
  packageJsons: Record<string, string>;
  /** packages/buildx/tools.lock.json tools.dagger.version. */
  buildxCli: string | undefined;
  /** Versions the harness has an overlay for (tools/airgap-engine/dagger/v<version>). */
  overlays: string[];
}

const SDK = "@dagger.io/dagger";
const readJson = (file: string): Record<string, unknown> | undefined => (existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : undefined);

export function readDaggerPins(root: string): DaggerPins {
  const lock = readJson(join(root, "package-lock.json")) as { packages?: Record<string, { version?: string }> } | undefined;
  const packageJsons: Record<string, string> = {};
  for (const dir of [
    ".",
    ...["libs", "tools", "packages"].flatMap((top) => (existsSync(join(root, top)) ? readdirSync(join(root, top)).map((d) => `${top}/${d}`) : [])),
  ]) {
    const pkg = readJson(join(root, dir, "package.json")) as Record<string, Record<string, string> | undefined> | undefined;
    const version = pkg?.dependencies?.[SDK] ?? pkg?.devDependencies?.[SDK];
    if (version) packageJsons[dir === "." ? "package.json" : `${dir}/package.json`] = version;
  }
  const buildx = readJson(join(root, "packages/buildx/tools.lock.json")) as { tools?: Record<string, { version?: string }> } | undefined;
  const overlayDir = join(root, "tools/airgap-engine/dagger");
  return {
    sdk: lock?.packages?.[`node_modules/${SDK}`]?.version,
    packageJsons,
    buildxCli: buildx?.tools?.dagger?.version,
    overlays: existsSync(overlayDir)
      ? readdirSync(overlayDir)
          .filter((d) => existsSync(join(overlayDir, d, "overlay.json")))
          .map((d) => d.replace(/^v/, ""))
      : [],
  };
}

/** Where the pins disagree, each with what to do; empty when they are one version. */
export function daggerPinProblems(pins: DaggerPins): string[] {
  if (!pins.sdk) return [`package-lock.json: has no version of ${SDK}`];
  const v = pins.sdk;
  const problems: string[] = [];
  for (const [file, version] of Object.entries(pins.packageJsons)) {
    if (version !== v) problems.push(`${file}: pins ${SDK} ${version}, package-lock.json has ${v}: pin ${v} everywhere (npm install)`);
  }
  if (pins.buildxCli !== v)
    problems.push(
      `packages/buildx/tools.lock.json: tools.dagger is ${pins.buildxCli ?? "missing"}, the SDK is ${v}: the Dagger CLI in buildx moves with the SDK: set its version and sha256 per arch to ${v}'s, then npm run image-docs (or keep the SDK at ${pins.buildxCli ?? "the CLI's version"})`,
    );
  if (!pins.overlays.includes(v))
    problems.push(
      `tools/airgap-engine/dagger/v${v}/overlay.json: missing: the harness builds the engine of the SDK's version and needs its overlay (tools/airgap-engine/README.md#dagger-overlay)`,
    );
  return problems;
}
