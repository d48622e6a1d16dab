import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileBlob, imageConfig, imageIndex, imageManifest, type JsonBlob, jsonBlob, type Layer, MediaType, pushImage } from "@image-tooling/oci-registry";
import type { DebianArch, HarnessConfig } from "../config.ts";
import { BlobStore } from "../blobstore.ts";
import { HarnessError } from "../errors.ts";
import { run, withProgress } from "../exec.ts";
import { platformFor } from "../oci.ts";
import {
  LOCAL_APT_DIR,
  LOCAL_APT_PACKAGES,
  LOCAL_APT_SOURCES_FILE,
  checkPackageNames,
  renderAptDownloadScript,
  renderLocalAptSources,
  renderLocalRepoScript,
} from "../local-apt.ts";
import { cacheKey, rootfsKey, type RootfsRecipe } from "../plan.ts";
import { renderDebianSources, renderRegistryImageConfig, renderSlimScript, slimConfigFiles } from "../render.ts";
import type { StepResult } from "../runner.ts";
import { harnessRegistry } from "./registry.ts";

/**
 * Seeded images: Debian slim bases (amd64 + arm64) made with debootstrap, and
 * a `registry:2` built from Debian's docker-registry package. Layers and
 * documents live in a content-addressed store under the cache dir, so a warm
 * provision pushes the same digests again without rebuilding anything.
 */

/** Bump when the bootstrap or slimming procedure changes, to invalidate caches. */
const RECIPE_REVISION = 2;

function blobStore(cfg: HarnessConfig): BlobStore {
  return new BlobStore(path.join(cfg.cacheDir, "oci"));
}

function recordPath(cfg: HarnessConfig, kind: string, name: string): string {
  return path.join(cfg.cacheDir, "oci", kind, `${name}.json`);
}

function readRecord<T>(file: string, store: BlobStore, digests: (r: T) => string[]): T | undefined {
  if (!existsSync(file)) return undefined;
  const record = JSON.parse(readFileSync(file, "utf8")) as T;
  return digests(record).every((d) => store.has(d)) ? record : undefined;
}

function writeRecord(file: string, record: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
}

export function debianRecipe(cfg: HarnessConfig, arch: DebianArch): RootfsRecipe {
  return { suite: cfg.debian.suite, arch, variant: "minbase", include: [], slim: true, localPackages: LOCAL_APT_PACKAGES, revision: RECIPE_REVISION };
}

interface LayerRecord {
  key: string;
  created: string;
  layer: Layer;
}

export async function debootstrap(cfg: HarnessConfig, recipe: RootfsRecipe, target: string, log: string): Promise<void> {
  rmSync(target, { recursive: true, force: true });
  mkdirSync(path.dirname(target), { recursive: true });
  const args = [`--arch=${recipe.arch}`, `--variant=${recipe.variant}`];
  if (recipe.include.length) args.push(`--include=${recipe.include.join(",")}`);
  args.push(recipe.suite, target, cfg.debian.mirror);
  await withProgress(cfg.progressIntervalMs, `debootstrapping ${recipe.suite}/${recipe.arch}`, () =>
    run("debootstrap", args, {
      log,
      fix:
        recipe.arch === "amd64"
          ? "check that deb.debian.org is reachable; see the log"
          : `check that deb.debian.org is reachable and that ${recipe.arch} emulation works (\`npm run harness -- status\`); see the log`,
    }),
  );
}

/** One slim Debian rootfs layer per architecture. */
export async function ensureDebianLayer(cfg: HarnessConfig, arch: DebianArch): Promise<StepResult & { record: LayerRecord }> {
  const store = blobStore(cfg);
  const recipe = debianRecipe(cfg, arch);
  const key = rootfsKey(recipe);
  const file = recordPath(cfg, "layers", `debian-${recipe.suite}-slim-${arch}`);
  const cached = readRecord<LayerRecord>(file, store, (r) => [r.layer.blob.digest]);
  if (cached?.key === key) return { cached: true, detail: `${cached.layer.blob.digest.slice(0, 19)}…`, record: cached };

  const work = path.join(cfg.cacheDir, "work", `debian-${recipe.suite}-${arch}`);
  const log = path.join(cfg.logsDir, `debootstrap-${arch}.log`);
  await debootstrap(cfg, recipe, work, log);
  for (const [rel, content] of Object.entries(slimConfigFiles())) {
    mkdirSync(path.dirname(path.join(work, rel)), { recursive: true });
    writeFileSync(path.join(work, rel), content);
  }
  chmodSync(path.join(work, "usr/sbin/policy-rc.d"), 0o755);
  writeFileSync(path.join(work, "etc/apt/sources.list.d/debian.sources"), renderDebianSources(cfg.debian));
  rmSync(path.join(work, "etc/apt/sources.list"), { force: true });
  // debootstrap only knows the release itself; official slim images also carry
  // the -updates and -security fixes current at build time.
  await withProgress(cfg.progressIntervalMs, `applying ${recipe.suite}-updates and -security to the ${arch} rootfs`, () =>
    run("chroot", [work, "/bin/sh", "-c", "apt-get update -qq && apt-get upgrade -y -qq"], {
      log,
      env: { DEBIAN_FRONTEND: "noninteractive", LC_ALL: "C" },
      fix: "check that deb.debian.org is reachable; see the log",
    }),
  );
  const localPackages = checkPackageNames(recipe.localPackages ?? []);
  await withProgress(cfg.progressIntervalMs, `downloading ${localPackages.join(" ")} and their dependencies for the ${arch} offline apt repository`, () =>
    run("chroot", [work, "/bin/sh", "-c", renderAptDownloadScript(), "download", ...localPackages], {
      log,
      env: { DEBIAN_FRONTEND: "noninteractive", LC_ALL: "C" },
      fix: "check that deb.debian.org is reachable and that every package of LOCAL_APT_PACKAGES exists in Debian's bookworm; see the log",
    }),
  );
  await run("sh", ["-c", renderLocalRepoScript(), "local-repo", work], {
    log,
    fix: "apt-ftparchive (apt-utils) indexes the repository: run provision as root so the packages step installs it; see the log",
  });
  const debs = readdirSync(path.join(work, LOCAL_APT_DIR)).filter((f) => f.endsWith(".deb")).length;
  await run("sh", ["-c", renderSlimScript(), "slim", work], { log });
  // Containers here may not reach Debian's archive: the offline repository is the only source.
  const sourcesDir = path.join(work, "etc/apt/sources.list.d");
  for (const f of readdirSync(sourcesDir)) rmSync(path.join(sourcesDir, f), { recursive: true, force: true });
  writeFileSync(path.join(work, LOCAL_APT_SOURCES_FILE), renderLocalAptSources(localPackages));
  // debootstrap leaves device nodes and mount points behind; runtimes provide their own.
  for (const dir of ["dev", "proc", "sys", "run"]) {
    rmSync(path.join(work, dir), { recursive: true, force: true });
    mkdirSync(path.join(work, dir), { mode: 0o755 });
  }
  const layer = await store.layerFromDir(
    work,
    `debootstrap --variant=minbase ${recipe.suite} (${arch}), slimmed like debian:${recipe.suite}-slim; offline apt repository ${LOCAL_APT_DIR} (${localPackages.join(" ")})`,
  );
  rmSync(work, { recursive: true, force: true });
  const record: LayerRecord = { key, created: new Date().toISOString(), layer };
  writeRecord(file, record);
  return { cached: false, detail: `${layer.blob.digest.slice(0, 19)}… ${(layer.blob.size / 1024 ** 2).toFixed(1)} MiB, ${debs} .debs offline`, record };
}

/**
 * Fetches a Debian package for another architecture with a private apt
 * state, so the host's dpkg architecture list and apt lists stay untouched.
 */
async function downloadDeb(cfg: HarnessConfig, pkg: string, arch: DebianArch, log: string): Promise<string> {
  const dir = path.join(cfg.cacheDir, "debs", cfg.debian.suite, arch);
  const existing = existsSync(dir) ? readdirSync(dir).find((f) => f.startsWith(`${pkg}_`) && f.endsWith(`_${arch}.deb`)) : undefined;
  if (existing) return path.join(dir, existing);
  const apt = path.join(cfg.cacheDir, "debs", cfg.debian.suite, `apt-${arch}`);
  for (const d of ["state/lists/partial", "cache/archives/partial", "etc/sources.list.d", "etc/preferences.d"]) {
    mkdirSync(path.join(apt, d), { recursive: true });
  }
  writeFileSync(path.join(apt, "state/status"), "");
  writeFileSync(
    path.join(apt, "etc/sources.list"),
    `deb [arch=${arch} signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${cfg.debian.mirror} ${cfg.debian.suite} main\n` +
      `deb [arch=${arch} signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${cfg.debian.mirror} ${cfg.debian.suite}-updates main\n` +
      `deb [arch=${arch} signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${cfg.debian.securityMirror} ${cfg.debian.suite}-security main\n`,
  );
  const opts = [
    `-o`,
    `Dir::State=${path.join(apt, "state")}`,
    `-o`,
    `Dir::State::status=${path.join(apt, "state/status")}`,
    `-o`,
    `Dir::Cache=${path.join(apt, "cache")}`,
    `-o`,
    `Dir::Etc::SourceList=${path.join(apt, "etc/sources.list")}`,
    `-o`,
    `Dir::Etc::SourceParts=${path.join(apt, "etc/sources.list.d")}`,
    `-o`,
    `Dir::Etc::Preferences=${path.join(apt, "etc/preferences")}`,
    `-o`,
    `Dir::Etc::PreferencesParts=${path.join(apt, "etc/preferences.d")}`,
    `-o`,
    `APT::Architecture=${arch}`,
    `-o`,
    `APT::Architectures::=${arch}`,
    `-o`,
    `Acquire::Languages=none`,
    // The download lands in a root-owned cache dir; apt's _apt sandbox user could not write there.
    `-o`,
    `APT::Sandbox::User=root`,
  ];
  const fix = "check that deb.debian.org is reachable; see the log";
  await run("apt-get", [...opts, "update"], { log, fix });
  mkdirSync(dir, { recursive: true });
  await run("apt-get", [...opts, "download", `${pkg}:${arch}`], { log, fix, cwd: dir });
  const got = readdirSync(dir).find((f) => f.startsWith(`${pkg}_`) && f.endsWith(`_${arch}.deb`));
  if (!got) throw new HarnessError(`apt-get download ${pkg}:${arch} produced no .deb in ${dir}`, `see ${log}`, log);
  return path.join(dir, got);
}

/** The registry layer: Debian's docker-registry binary plus an upstream-compatible config. */
export async function ensureRegistryLayer(cfg: HarnessConfig, arch: DebianArch): Promise<StepResult & { record: LayerRecord }> {
  const store = blobStore(cfg);
  const log = path.join(cfg.logsDir, `registry-image-${arch}.log`);
  const deb = await downloadDeb(cfg, "docker-registry", arch, log);
  const config = renderRegistryImageConfig();
  const key = cacheKey({ kind: "registry-layer", deb: path.basename(deb), config, revision: RECIPE_REVISION });
  const file = recordPath(cfg, "layers", `registry-${arch}`);
  const cached = readRecord<LayerRecord>(file, store, (r) => [r.layer.blob.digest]);
  if (cached?.key === key) return { cached: true, detail: path.basename(deb), record: cached };

  const work = path.join(cfg.cacheDir, "work", `registry-${arch}`);
  const unpacked = `${work}-deb`;
  for (const d of [work, unpacked]) rmSync(d, { recursive: true, force: true });
  await run("dpkg-deb", ["-x", deb, unpacked], { log });
  mkdirSync(path.join(work, "usr/bin"), { recursive: true });
  mkdirSync(path.join(work, "etc/docker/registry"), { recursive: true });
  mkdirSync(path.join(work, "var/lib/registry"), { recursive: true });
  await run("cp", ["-a", path.join(unpacked, "usr/bin/docker-registry"), path.join(work, "usr/bin/docker-registry")], { log });
  writeFileSync(path.join(work, "etc/docker/registry/config.yml"), config);
  const layer = await store.layerFromDir(work, `Debian ${path.basename(deb)}: /usr/bin/docker-registry, /etc/docker/registry/config.yml`);
  for (const d of [work, unpacked]) rmSync(d, { recursive: true, force: true });
  const record: LayerRecord = { key, created: new Date().toISOString(), layer };
  writeRecord(file, record);
  return { cached: false, detail: `${path.basename(deb)} → ${layer.blob.digest.slice(0, 19)}…`, record };
}

export interface SeedImage {
  /** Repository in the local registry (the docker.io mirror path). */
  repo: string;
  tags: readonly string[];
  index: JsonBlob;
  manifests: JsonBlob[];
  configs: JsonBlob[];
  layers: Layer[];
}

function assemble(
  store: BlobStore,
  repo: string,
  tags: readonly string[],
  perArch: Array<{ arch: DebianArch; created: string; layers: Layer[]; entrypoint?: string[]; cmd?: string[]; exposedPorts?: string[]; volumes?: string[] }>,
  annotations: Record<string, string>,
): SeedImage {
  const manifests: JsonBlob[] = [];
  const configs: JsonBlob[] = [];
  for (const a of perArch) {
    const platform = platformFor(a.arch);
    const config = jsonBlob(
      MediaType.ociConfig,
      imageConfig({ platform, created: a.created, layers: a.layers, entrypoint: a.entrypoint, cmd: a.cmd, exposedPorts: a.exposedPorts, volumes: a.volumes }),
    );
    const manifest = imageManifest({ config, layers: a.layers, platform });
    store.putJson(config);
    store.putJson(manifest);
    configs.push(config);
    manifests.push(manifest);
  }
  const index = imageIndex(manifests, annotations);
  store.putJson(index);
  return { repo, tags, index, manifests, configs, layers: perArch.flatMap((a) => a.layers) };
}

export function debianImage(cfg: HarnessConfig, layers: Record<DebianArch, LayerRecord>): SeedImage {
  return assemble(
    blobStore(cfg),
    cfg.seed.debianRepo,
    cfg.seed.debianTags,
    cfg.debian.archs.map((arch) => ({ arch, created: layers[arch].created, layers: [layers[arch].layer], cmd: ["bash"] })),
    { "org.opencontainers.image.description": `Debian ${cfg.debian.suite} slim (debootstrap minbase), seeded by the image-tooling harness` },
  );
}

export function registryImage(cfg: HarnessConfig, base: Record<DebianArch, LayerRecord>, reg: Partial<Record<DebianArch, LayerRecord>>): SeedImage {
  const archs = cfg.debian.archs.filter((a) => reg[a]);
  return assemble(
    blobStore(cfg),
    cfg.seed.registryRepo,
    cfg.seed.registryTags,
    archs.map((arch) => ({
      arch,
      created: reg[arch]!.created,
      layers: [base[arch].layer, reg[arch]!.layer],
      entrypoint: ["/usr/bin/docker-registry"],
      cmd: ["serve", "/etc/docker/registry/config.yml"],
      exposedPorts: ["5000/tcp"],
      volumes: ["/var/lib/registry"],
    })),
    { "org.opencontainers.image.description": "distribution v2 registry from Debian's docker-registry package, seeded by the image-tooling harness" },
  );
}

/**
 * Pushes blobs (layers streamed from the store), manifests and the index;
 * tags already at the right digest are left alone. The client checks that the
 * registry stored every manifest under the digest of the bytes sent.
 */
export async function seed(cfg: HarnessConfig, image: SeedImage): Promise<{ pushed: string[] }> {
  const client = harnessRegistry(cfg.registry.addr);
  const store = blobStore(cfg);
  const want = image.index.descriptor.digest;
  const stale: string[] = [];
  for (const tag of image.tags) if ((await client.manifestDigest(image.repo, tag)) !== want) stale.push(tag);
  if (stale.length === 0) return { pushed: [] };
  const layers = image.layers.map((l) => fileBlob(store.path(l.blob.digest), l.blob.digest));
  await pushImage(client, image.repo, { blobs: [...layers, ...image.configs.map((c) => c.bytes)], manifests: image.manifests, index: image.index }, stale);
  return { pushed: stale.map((t) => `${image.repo}:${t}`) };
}
