import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { HarnessConfig } from "../config.ts";
import { HarnessError } from "../errors.ts";
import { capture, run, say, withProgress } from "../exec.ts";
import { DAGGER_BINARIES, daggerBuildKey, goBuildArgs, goEnv, goModEditArgs, type DaggerOverlay } from "../plan.ts";
import type { StepResult } from "../runner.ts";
import { findGo, requireGoProxy } from "./host.ts";

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** tools/airgap-engine/dagger/<tag>: distconsts and modules the proxy refuses. */
export function overlayDir(daggerTag: string): string {
  return path.resolve(HERE, "..", "..", "dagger", daggerTag);
}

function walk(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p, base) : [path.relative(base, p)];
  });
}

/** Hash of every overlay file, so editing the overlay invalidates the cached binaries. */
export function overlayDigest(dir: string): string {
  const h = createHash("sha256");
  for (const rel of walk(dir).sort())
    h.update(rel)
      .update("\0")
      .update(readFileSync(path.join(dir, rel)))
      .update("\0");
  return h.digest("hex");
}

export function loadOverlay(daggerTag: string): { dir: string; overlay: DaggerOverlay; digest: string } {
  const dir = overlayDir(daggerTag);
  if (!existsSync(path.join(dir, "overlay.json"))) {
    throw new HarnessError(
      `no build overlay for Dagger ${daggerTag} (${dir})`,
      `@dagger.io/dagger moved to ${daggerTag}: create ${path.relative(process.cwd(), dir)} from the previous version's overlay ` +
        "(engine/distconsts from that tag, plus any module the Go proxy refuses); see tools/airgap-engine/README.md#dagger-overlay",
    );
  }
  const overlay = JSON.parse(readFileSync(path.join(dir, "overlay.json"), "utf8")) as DaggerOverlay;
  return { dir, overlay, digest: overlayDigest(dir) };
}

export interface DaggerBuild {
  key: string;
  dir: string;
  binDir: string;
  cli: string;
}

export function daggerBuildPaths(cfg: HarnessConfig, key: string): DaggerBuild {
  const dir = path.join(cfg.dagger.root, `${cfg.daggerTag}-${key}`);
  const binDir = path.join(dir, "bin");
  return { key, dir, binDir, cli: path.join(binDir, "dagger") };
}

export function currentDaggerBuild(cfg: HarnessConfig): DaggerBuild {
  const { digest } = loadOverlay(cfg.daggerTag);
  return daggerBuildPaths(cfg, daggerBuildKey({ daggerTag: cfg.daggerTag, goToolchain: cfg.goToolchain, overlayDigest: digest }));
}

function builtAlready(b: DaggerBuild): boolean {
  return existsSync(path.join(b.dir, "build.json")) && DAGGER_BINARIES.every((bin) => existsSync(path.join(b.binDir, bin.name)));
}

export function needsDaggerBuild(cfg: HarnessConfig): boolean {
  return !builtAlready(currentDaggerBuild(cfg));
}

/**
 * Builds the Dagger CLI, engine, dagger-init, dial-stdio and dnsname from
 * github.com/dagger/dagger at the SDK's version, fetched from the Go module
 * proxy, with the pinned Go toolchain.
 */
export async function ensureDaggerBinaries(cfg: HarnessConfig): Promise<StepResult & { build: DaggerBuild }> {
  const { dir: overlayRoot, overlay, digest } = loadOverlay(cfg.daggerTag);
  const key = daggerBuildKey({ daggerTag: cfg.daggerTag, goToolchain: cfg.goToolchain, overlayDigest: digest });
  const build = daggerBuildPaths(cfg, key);
  if (builtAlready(build)) return { cached: true, detail: build.binDir, build };

  const go = await findGo();
  await requireGoProxy(cfg.goProxy, cfg.daggerTag);
  const log = path.join(cfg.logsDir, "dagger-build.log");
  const env = goEnv({ modCache: cfg.go.modCache, buildCache: cfg.go.buildCache, toolchain: cfg.goToolchain, proxy: cfg.goProxy });
  mkdirSync(cfg.go.modCache, { recursive: true });

  // `go mod download` needs a module-less working directory to fetch an arbitrary module@version.
  const scratch = mkdtempSync(path.join(cfg.cacheDir, "go-scratch-"));
  let moduleDir: string;
  try {
    await withProgress(cfg.progressIntervalMs, `fetching ${cfg.goToolchain} and github.com/dagger/dagger@${cfg.daggerTag} from the Go module proxy`, () =>
      run(go, ["mod", "download", `github.com/dagger/dagger@${cfg.daggerTag}`], { log, env, cwd: scratch }),
    );
    const info = await capture(go, ["mod", "download", "-json", `github.com/dagger/dagger@${cfg.daggerTag}`], { env, cwd: scratch });
    moduleDir = (JSON.parse(info.stdout) as { Dir: string }).Dir;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }

  const src = path.join(build.dir, "src");
  rmSync(build.dir, { recursive: true, force: true });
  mkdirSync(build.binDir, { recursive: true });
  // The module cache is read-only by design; the build edits go.mod and adds files.
  cpSync(moduleDir, src, { recursive: true });
  await run("chmod", ["-R", "u+w", src], { log });
  cpSync(path.join(overlayRoot, "files"), src, { recursive: true });
  await run(go, goModEditArgs(cfg.daggerTag, overlay), { log, env, cwd: src });
  // Adds dagger.io/dagger's go.sum lines (checked against the checksum database).
  await run(go, ["mod", "download", "dagger.io/dagger"], { log, env, cwd: src });

  const goVersion = (await capture(go, ["env", "GOVERSION"], { env, cwd: src })).stdout.trim();
  if (goVersion !== cfg.goToolchain) {
    throw new HarnessError(
      `building with ${goVersion}, expected ${cfg.goToolchain}`,
      "GOTOOLCHAIN was not honoured; check GOFLAGS/GOTOOLCHAIN in your environment and go.env",
    );
  }
  for (const [i, bin] of DAGGER_BINARIES.entries()) {
    const label = i === 0 ? `downloading modules and compiling ${bin.name} (the long one)` : `compiling ${bin.name}`;
    say(`    compiling ${bin.name} (${bin.pkg})`);
    await withProgress(cfg.progressIntervalMs, label, () =>
      run(go, goBuildArgs(bin, path.join(build.binDir, bin.name), cfg.daggerTag), { log, env, cwd: src }),
    );
  }
  const version = (await capture(path.join(build.binDir, "dagger"), ["version"], { env: { DO_NOT_TRACK: "1", DAGGER_NO_UPDATE_CHECK: "1" } })).stdout.trim();
  if (!version.includes(cfg.daggerTag)) {
    throw new HarnessError(`the built CLI reports "${version}", expected ${cfg.daggerTag}`, "the -X ldflags did not stamp the version; see the build log", log);
  }
  const binaries = Object.fromEntries(
    DAGGER_BINARIES.map((bin) => {
      const file = path.join(build.binDir, bin.name);
      return [bin.name, { sha256: createHash("sha256").update(readFileSync(file)).digest("hex"), bytes: statSync(file).size }];
    }),
  );
  writeFileSync(
    path.join(build.dir, "build.json"),
    `${JSON.stringify({ key, daggerTag: cfg.daggerTag, goVersion, overlay: digest, builtAt: new Date().toISOString(), binaries }, null, 2)}\n`,
  );
  // The sources are ~0.5 GB and rebuilt from the module cache on demand.
  rmSync(src, { recursive: true, force: true });
  return { cached: false, detail: `${version}, ${goVersion}`, build };
}
