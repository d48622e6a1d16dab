import { readHarnessEnvFile } from "@image-tooling/harness-env";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from "node:fs";
import path from "node:path";
import { connection, dag, type Platform } from "@dagger.io/dagger";
import { dockerHubRef, type DebianArch, type HarnessConfig } from "./config.ts";
import { HarnessError } from "./errors.ts";
import { say } from "./exec.ts";
import { harnessEnvVars, renderEnvFile } from "./render.ts";
import { renderTimingTable } from "./report.ts";
import { StepRunner, type StepResult } from "./runner.ts";
import { currentDaggerBuild, ensureDaggerBinaries, needsDaggerBuild, type DaggerBuild } from "./steps/dagger.ts";
import { engineTcpAddress, engineVersion, ensureEngineContainer, ensureEngineImage, ensureEngineRootfs } from "./steps/engine.ts";
import { ensureBinfmt, ensureDockerd, ensurePackages, findGo, pidAlive, requireApt, requireDisk, requireGoProxy, requireRoot } from "./steps/host.ts";
import { debianImage, ensureDebianLayer, ensureRegistryLayer, registryImage, seed, type SeedImage } from "./steps/images.ts";
import { bridgeHost, ensureForwarder } from "./steps/bridge.ts";
import { ensureRegistry, harnessRegistry, registryAnswers } from "./steps/registry.ts";

/** One provision at a time: two would race on caches, the registry and the engine. */
function acquireLock(file: string): () => void {
  mkdirSync(path.dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, "wx");
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const holder = Number(readFileSync(file, "utf8").trim());
      if (holder && pidAlive(holder)) {
        throw new HarnessError(`another provision is running (pid ${holder})`, `wait for it, or remove ${file} if that process is not a harness`);
      }
      rmSync(file, { force: true });
    }
  }
  throw new HarnessError(`could not take the lock ${file}`, "remove it and try again");
}

function writeAtomic(file: string, content: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, content);
  renameSync(`${file}.tmp`, file);
}

export function envVarsFor(
  cfg: HarnessConfig,
  dagger: DaggerBuild,
  debian: SeedImage,
  registry: SeedImage,
  bridge: string,
  engineTcp: string,
): Record<string, string> {
  return harnessEnvVars({
    cliBin: dagger.cli,
    engineContainer: cfg.engine.containerName,
    registryAddr: cfg.registry.addr,
    bridgeHost: bridge,
    registryPort: cfg.registry.port,
    testPorts: cfg.bridge.testPorts,
    engineTcp,
    daggerVersion: cfg.daggerVersion,
    debianBaseRef: dockerHubRef(cfg.seed.debianRepo, cfg.seed.debianTags[0]!, debian.index.descriptor.digest),
    registryImageRef: dockerHubRef(cfg.seed.registryRepo, cfg.seed.registryTags[0]!, registry.index.descriptor.digest),
    platforms: cfg.debian.archs.map((a) => `linux/${a}`),
    envFile: cfg.envFile,
  });
}

/** The same path tests take: SDK → CLI → engine → mirror, on both platforms. */
async function verify(cfg: HarnessConfig, vars: Record<string, string>, sdkEnv: Record<string, string | undefined>): Promise<StepResult> {
  // Needed: the Dagger SDK's connection() finds the CLI and the engine only
  // through _EXPERIMENTAL_DAGGER_CLI_BIN / _EXPERIMENTAL_DAGGER_RUNNER_HOST in
  // process.env, so the harness's variables are written into the environment
  // object the edge (cli.ts) passes: process.env itself.
  Object.assign(sdkEnv, vars);
  const expected: Record<string, string> = { "linux/amd64": "x86_64", "linux/arm64": "aarch64" };
  const seen: string[] = [];
  await connection(async () => {
    const version = await dag.version();
    if (version !== cfg.daggerTag) throw new HarnessError(`engine reports ${version}, SDK is ${cfg.daggerTag}`, "run provision again");
    for (const [platform, machine] of Object.entries(expected)) {
      const out = (
        await dag
          .container({ platform: platform as Platform })
          .from(vars.HARNESS_DEBIAN_BASE!)
          .withExec(["uname", "-m"])
          .stdout()
      ).trim();
      if (out !== machine) {
        throw new HarnessError(`uname -m on ${platform} printed "${out}", expected ${machine}`, "check arm64 emulation with `npm run harness -- status`");
      }
      seen.push(`${platform}=${out}`);
    }
  });
  // The same engine as a remote one is reached: over the network, sharing nothing with this machine.
  const cli = vars._EXPERIMENTAL_DAGGER_CLI_BIN!;
  const overTcp = await engineVersion(cfg, cli, vars.HARNESS_ENGINE_TCP);
  if (overTcp !== cfg.daggerTag)
    throw new HarnessError(
      `the engine does not answer at ${vars.HARNESS_ENGINE_TCP} (got ${overTcp ?? "nothing"})`,
      `check \`docker logs ${cfg.engine.containerName}\``,
    );
  return { cached: false, detail: `SDK connected, ${cfg.daggerTag}, ${seen.join(" ")}; also at ${vars.HARNESS_ENGINE_TCP}` };
}

/**
 * What stands between the machine and a usable harness, checked without
 * changing anything (so without root): env file, CLI, engine, seeded base.
 */
export async function provisionProblems(cfg: HarnessConfig): Promise<string[]> {
  const vars = readHarnessEnvFile(cfg.envFile);
  if (!vars) return [`no env file at ${cfg.envFile}`];
  const problems: string[] = [];
  const cli = vars._EXPERIMENTAL_DAGGER_CLI_BIN;
  if (!cli || !existsSync(cli)) problems.push(`the Dagger CLI ${cli ?? "(unset)"} is missing`);
  else if ((await engineVersion(cfg, cli)) !== cfg.daggerTag) problems.push(`the engine does not answer as ${cfg.daggerTag}`);
  const [ref, digest] = (vars.HARNESS_DEBIAN_BASE ?? "").split("@");
  const tag = ref?.split(":").pop() ?? "";
  const seeded = await harnessRegistry(cfg.registry.addr)
    .manifestDigest(cfg.seed.debianRepo, tag)
    .catch(() => undefined);
  if (!digest || seeded !== digest) problems.push(`${cfg.registry.addr} does not serve ${cfg.seed.debianRepo}:${tag} at ${digest ?? "?"}`);
  const engineRegistry = vars.HARNESS_ENGINE_REGISTRY;
  if (!engineRegistry) problems.push("the env file names no HARNESS_ENGINE_REGISTRY (written by an older harness)");
  else if (!(await registryAnswers(engineRegistry))) problems.push(`the registry does not answer at ${engineRegistry}, where the engine reaches it`);
  return problems;
}

/** `sdkEnv`: the environment the Dagger SDK reads (process.env, passed by cli.ts); verify points it at the new engine. */
export async function provision(cfg: HarnessConfig, sdkEnv: Record<string, string | undefined>): Promise<void> {
  if (process.getuid?.() !== 0) {
    // `npm test` provisions first; a developer who provisioned once with sudo
    // should not need root again just to learn that nothing has to change.
    const problems = await provisionProblems(cfg);
    if (problems.length === 0) {
      say(`✓ harness already provisioned (Dagger ${cfg.daggerTag}, env ${cfg.envFile}); not root, so only checked`);
      return;
    }
    say(`harness needs provisioning: ${problems.join("; ")}`);
  }
  requireRoot();
  await requireApt();
  const release = acquireLock(cfg.lockFile);
  const started = Date.now();
  const runner = new StepRunner();
  for (const d of [cfg.cacheDir, cfg.stateDir, cfg.logsDir]) mkdirSync(d, { recursive: true });
  say(`harness: Dagger ${cfg.daggerTag} (from package-lock.json), cache ${cfg.cacheDir}, state ${cfg.stateDir}, logs ${cfg.logsDir}`);
  try {
    await runner.step({
      id: "preflight",
      title: "preflight: root, apt, disk, Go module proxy",
      run: async () => {
        const cold = needsDaggerBuild(cfg);
        const need = cold ? cfg.minFreeGiBCold : cfg.minFreeGiBWarm;
        requireDisk([cfg.cacheDir, cfg.stateDir, "/var/lib/docker"], need);
        if (cold) {
          // Fail before minutes of debootstrap if the build cannot happen at all.
          await findGo();
          await requireGoProxy(cfg.goProxy, cfg.daggerTag);
        }
        return { cached: !cold, detail: cold ? `cold: Dagger ${cfg.daggerTag} must be built (≥ ${need} GiB free)` : "warm: Dagger binaries cached" };
      },
    });
    let bridge = "";
    await runner.sequence([
      { id: "packages", title: "Debian packages", run: () => ensurePackages(cfg) },
      { id: "binfmt", title: "arm64 emulation (binfmt_misc + qemu-user-static)", run: () => ensureBinfmt() },
      { id: "dockerd", title: "Docker daemon", run: () => ensureDockerd(cfg) },
      { id: "registry", title: `local OCI registry on ${cfg.registry.addr}`, run: () => ensureRegistry(cfg) },
      {
        id: "forwarder",
        title: `registry on the engine's network (Docker network "${cfg.bridge.network}")`,
        run: async () => {
          bridge = await bridgeHost(cfg);
          return ensureForwarder(cfg, bridge);
        },
      },
    ]);

    let dagger: DaggerBuild | undefined;
    const debianLayers: Partial<Record<DebianArch, Awaited<ReturnType<typeof ensureDebianLayer>>["record"]>> = {};
    const registryLayers: Partial<Record<DebianArch, Awaited<ReturnType<typeof ensureRegistryLayer>>["record"]>> = {};
    await runner.parallel([
      [
        {
          id: "dagger-binaries",
          title: `Dagger ${cfg.daggerTag} binaries from the Go module proxy`,
          run: async () => {
            const r = await ensureDaggerBinaries(cfg);
            dagger = r.build;
            return r;
          },
        },
      ],
      [
        { id: "engine-rootfs", title: "engine rootfs (debootstrap)", run: () => ensureEngineRootfs(cfg) },
        ...cfg.debian.archs.map((arch) => ({
          id: `debian-${arch}`,
          title: `Debian ${cfg.debian.suite} slim layer for ${arch}`,
          run: async () => {
            const r = await ensureDebianLayer(cfg, arch);
            debianLayers[arch] = r.record;
            return r;
          },
        })),
        ...cfg.debian.archs.map((arch) => ({
          id: `registry-layer-${arch}`,
          title: `registry image layer for ${arch}`,
          run: async () => {
            const r = await ensureRegistryLayer(cfg, arch);
            registryLayers[arch] = r.record;
            return r;
          },
        })),
      ],
    ]);
    const build = dagger ?? currentDaggerBuild(cfg);
    const base = debianLayers as Record<DebianArch, NonNullable<(typeof debianLayers)[DebianArch]>>;
    const debian = debianImage(cfg, base);
    const registry = registryImage(cfg, base, registryLayers);

    let imageRef = "";
    await runner.sequence([
      {
        id: "engine-image",
        title: "engine image",
        run: async () => {
          const r = await ensureEngineImage(cfg, build);
          imageRef = r.ref;
          return r;
        },
      },
      { id: "engine", title: `engine container ${cfg.engine.containerName}`, run: () => ensureEngineContainer(cfg, imageRef, build, bridge) },
      {
        id: "seed",
        title: "seed the registry (docker.io mirror)",
        run: async () => {
          const pushed = [...(await seed(cfg, debian)).pushed, ...(await seed(cfg, registry)).pushed];
          return {
            cached: pushed.length === 0,
            detail: `debian ${debian.index.descriptor.digest.slice(0, 19)}…, registry ${registry.index.descriptor.digest.slice(0, 19)}…${pushed.length ? `; pushed ${pushed.join(", ")}` : ""}`,
          };
        },
      },
    ]);
    const vars = envVarsFor(cfg, build, debian, registry, bridge, await engineTcpAddress(cfg));
    await runner.step({
      id: "env-file",
      title: "env file",
      run: async () => {
        const content = renderEnvFile(vars, [
          "Written by `npm run harness -- provision`; do not edit.",
          "Shell: . <this file>      Tests: loadHarnessEnv() from @image-tooling/test-support/harness-env",
        ]);
        const same = existsSync(cfg.envFile) && readFileSync(cfg.envFile, "utf8") === content;
        if (!same) writeAtomic(cfg.envFile, content);
        return { cached: same, detail: cfg.envFile };
      },
    });
    await runner.step({ id: "verify", title: "verify with the SDK (connection, uname -m on amd64 and arm64, tcp://)", run: () => verify(cfg, vars, sdkEnv) });
  } finally {
    const wall = Date.now() - started;
    say("");
    say(renderTimingTable(runner.timings, wall));
    writeAtomic(cfg.timingsFile, `${JSON.stringify({ finishedAt: new Date().toISOString(), wallMs: wall, steps: runner.timings }, null, 2)}\n`);
    release();
  }
  say("");
  say(`env file: ${cfg.envFile}`);
  say(`  shell:  . ${cfg.envFile}`);
  say(`  tests:  import { loadHarnessEnv } from "@image-tooling/test-support/harness-env"`);
}
