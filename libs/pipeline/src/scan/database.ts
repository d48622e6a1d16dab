import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execTool, goToolBinary } from "@image-tooling/go-tool";
import { INSTALL_ROOT } from "@image-tooling/cli-support";
import { GRYPE } from "../attest/tools.ts";
import { describeDbSource, type DbSource, type VulnConfig } from "../config/vuln-config.ts";
import { RegistryClient, RegistryError } from "@image-tooling/oci-registry";
import type { Logger } from "../log/logger.ts";
import { VulnDbError } from "./errors.ts";
import type { DbInfo } from "./findings.ts";

/**
 * The database grype scans with, made ready once per process: imported from
 * a file or an OCI artifact into a private directory, or kept current from
 * upstream in node_modules/.cache/grype-db. Its build time is checked against
 * the configured maximum age here, so a stale database stops the run with one
 * message instead of passing silently.
 */
export interface PreparedDb {
  /** GRYPE_DB_CACHE_DIR for every grype run. */
  cacheDir: string;
  info: DbInfo;
}

const SETTINGS = "vulnerabilities.database in image-tooling.yaml or IMAGE_VULN_DB";

/** The environment every grype run gets: our database, no network checks of its own. */
export function grypeEnv(cacheDir: string, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    ...base,
    GRYPE_DB_CACHE_DIR: cacheDir,
    GRYPE_DB_AUTO_UPDATE: "false",
    // Age is checked by us, with a message that says what to do.
    GRYPE_DB_VALIDATE_AGE: "false",
    GRYPE_DB_REQUIRE_UPDATE_CHECK: "false",
    GRYPE_CHECK_FOR_APP_UPDATE: "false",
  };
}

async function grype(args: string[], cacheDir: string, log: Logger, env: NodeJS.ProcessEnv): Promise<string> {
  const bin = await goToolBinary(GRYPE, { env, onBuild: (what) => log.info(`  ${what}`) });
  const r = await execTool(bin, args, grypeEnv(cacheDir, env));
  if (r.code !== 0) throw new VulnDbError(`grype ${args.join(" ")} failed (exit ${r.code}): ${r.stderr.trim().split("\n").slice(-3).join(" ")}`);
  return r.stdout;
}

/** A database archive from a registry: the artifact's first layer, streamed to a file. */
async function pullArtifact(ref: string, into: string, plainHttp: boolean): Promise<string> {
  const slash = ref.indexOf("/");
  const registry = ref.slice(0, slash);
  const rest = ref.slice(slash + 1);
  const at = rest.indexOf("@");
  const colon = rest.lastIndexOf(":");
  const [repository, reference] =
    at >= 0 ? [rest.slice(0, at), rest.slice(at + 1)] : colon >= 0 ? [rest.slice(0, colon), rest.slice(colon + 1)] : [rest, "latest"];
  if (slash < 0 || !repository) throw new VulnDbError(`${SETTINGS} is oci://${ref}: expected oci://<registry>/<repository>:<tag> (or @sha256:…)`);
  const client = new RegistryClient({ registry, plainHttp });
  try {
    const manifest = (await client.getManifest(repository, reference)).json as {
      layers?: { digest: string; mediaType: string; annotations?: Record<string, string> }[];
    };
    const layer = manifest.layers?.[0];
    if (!layer)
      throw new VulnDbError(`oci://${ref} has no layers: push the database archive as the artifact's layer (see libs/pipeline/README.md#vulnerabilities)`);
    const name =
      layer.annotations?.["org.opencontainers.image.title"] ?? (layer.mediaType.includes("zstd") ? "vulnerability-db.tar.zst" : "vulnerability-db.tar.gz");
    const file = join(into, name.replace(/[^A-Za-z0-9._-]/g, "_"));
    await client.pullBlob(repository, layer.digest, createWriteStream(file));
    return file;
  } catch (e) {
    if (e instanceof RegistryError) throw new VulnDbError(`the vulnerability database oci://${ref} (${SETTINGS}) could not be read: ${e.message}`);
    throw e;
  }
}

async function importInto(source: DbSource, cacheDir: string, log: Logger, plainHttp: boolean, env: NodeJS.ProcessEnv): Promise<void> {
  if (source.kind === "upstream") {
    await grype(["db", "update"], cacheDir, log, env).catch((e: Error) => {
      throw new VulnDbError(
        `the upstream vulnerability database could not be downloaded (${e.message}); on a machine without internet set ${SETTINGS} to oci://<registry>/<repository>:<tag> or a file`,
      );
    });
    return;
  }
  const file = source.kind === "file" ? source.path : await pullArtifact(source.ref, cacheDir, plainHttp);
  if (!existsSync(file))
    throw new VulnDbError(`the vulnerability database ${file} (${SETTINGS}) does not exist: build or download one (grype db list) and point the setting at it`);
  await grype(["db", "import", file], cacheDir, log, env).catch((e: Error) => {
    throw new VulnDbError(`${describeDbSource(source)} (${SETTINGS}) is not a grype ${GRYPE.version} database archive: ${e.message}`);
  });
}

/** Build time, schema and checksum of the database in `cacheDir`. */
async function readInfo(cacheDir: string, source: DbSource, log: Logger, env: NodeJS.ProcessEnv): Promise<DbInfo> {
  const status = JSON.parse(await grype(["db", "status", "-o", "json"], cacheDir, log, env)) as {
    built?: string;
    schemaVersion?: string;
    path?: string;
    valid?: boolean;
  };
  if (!status.valid || !status.built || !status.path)
    throw new VulnDbError(`the vulnerability database from ${describeDbSource(source)} is not valid (grype db status): re-import it`);
  const importJson = join(status.path, "..", "import.json");
  const checksum = existsSync(importJson) ? ((JSON.parse(readFileSync(importJson, "utf8")) as { digest?: string }).digest ?? "unknown") : "unknown";
  return { built: new Date(status.built).toISOString(), checksum, schema: status.schemaVersion ?? "unknown", source: describeDbSource(source) };
}

/** Stale is an error, never a pass: scanning with old data would report fewer findings than there are. */
export function checkAge(info: DbInfo, maxAgeMs: number, now: Date): void {
  const age = now.getTime() - new Date(info.built).getTime();
  if (age <= maxAgeMs) return;
  const days = (ms: number) => `${(ms / 86_400_000).toFixed(1)} days`;
  throw new VulnDbError(
    `the vulnerability database from ${info.source} was built ${info.built}, ${days(age)} ago: older than the ${days(maxAgeMs)} allowed (vulnerabilities.maxAge in image-tooling.yaml or IMAGE_VULN_DB_MAX_AGE). Use a current database (${SETTINGS}), or raise the limit knowingly.`,
  );
}

let prepared: { key: string; db: Promise<PreparedDb> } | undefined;
const cleanup: string[] = [];
process.once("exit", () => {
  for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
});

/** The database of this process; prepared on first use, checked for age every time. grype inherits `env` (the run's, RunContext.env). */
export async function prepareDatabase(
  cfg: VulnConfig,
  log: Logger,
  env: NodeJS.ProcessEnv,
  opts: { plainHttp?: boolean; now?: Date } = {},
): Promise<PreparedDb> {
  const key = JSON.stringify(cfg.database);
  if (prepared?.key !== key) {
    const db = log.step(`vulnerability database: ${describeDbSource(cfg.database)}`, async () => {
      let cacheDir: string;
      if (cfg.database.kind === "upstream") {
        cacheDir = join(INSTALL_ROOT, "node_modules", ".cache", "grype-db");
        mkdirSync(cacheDir, { recursive: true });
      } else {
        // A private copy per process: parallel runs never import over each other.
        cacheDir = mkdtempSync(join(tmpdir(), "image-tooling-grype-db-"));
        cleanup.push(cacheDir);
      }
      await importInto(cfg.database, cacheDir, log, opts.plainHttp ?? false, env);
      const info = await readInfo(cacheDir, cfg.database, log, env);
      log.info(`  built ${info.built}, schema ${info.schema}, ${info.checksum}`);
      return { cacheDir, info };
    });
    prepared = { key, db };
    db.catch(() => {
      if (prepared?.db === db) prepared = undefined;
    });
  }
  const db = await prepared.db;
  checkAge(db.info, cfg.maxAgeMs, opts.now ?? new Date());
  return db;
}
