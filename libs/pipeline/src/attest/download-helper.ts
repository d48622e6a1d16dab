import { createHash } from "node:crypto";
import { chmodSync, createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import type { Http } from "../http/index.ts";
import { HELPER_LOCK_FILE, type DownloadPin } from "./helper-lock.ts";
import { execTool } from "@image-tooling/go-tool";

/** Why a download did not install: only "checksum" means the bytes arrived and were wrong. */
export class HelperDownloadError extends Error {
  override name = "HelperDownloadError";
  constructor(
    readonly kind: "checksum" | "archive",
    message: string,
  ) {
    super(message);
  }
}

/**
 * Written beside a downloaded binary: which pinned download it came from,
 * and the installed file's own sha256 (for a tar.gz the pin is the archive's),
 * so a later run can tell a verified download from a Go build or a changed file.
 */
interface Origin {
  url: string;
  sha256: string;
  binarySha256: string;
}
const originFile = (bin: string): string => `${bin}.origin.json`;

export async function fileSha256(file: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(file), hash);
  return hash.digest("hex");
}

/** The binary in the cache slot is the verified download of this pin, unchanged since. */
export async function isVerifiedDownload(bin: string, pin: DownloadPin): Promise<boolean> {
  if (!existsSync(bin) || !existsSync(originFile(bin))) return false;
  let origin: Origin;
  try {
    origin = JSON.parse(readFileSync(originFile(bin), "utf8")) as Origin;
  } catch {
    return false;
  }
  return origin.sha256 === pin.sha256 && origin.url === pin.url && origin.binarySha256 === (await fileSha256(bin));
}

/**
 * Downloads a pinned release binary into `bin` (the cache slot goToolBinary
 * reads). The download lands in a private directory beside the slot and is
 * hashed as it streams; only when its sha256 equals the lock's is it
 * unpacked and renamed into place, so a wrong download never reaches the
 * slot and a concurrent or interrupted run never leaves half a binary.
 * Network failures are the Http client's FetchError (the caller may build
 * instead); a wrong hash is a HelperDownloadError naming everything needed
 * to look into it.
 */
/** `env` is the environment tar runs in (its PATH). */
export async function downloadHelper(http: Http, pin: DownloadPin, bin: string, env: NodeJS.ProcessEnv): Promise<{ bytes: number }> {
  mkdirSync(dirname(bin), { recursive: true });
  const work = mkdtempSync(join(dirname(bin), ".download-"));
  try {
    const file = join(work, "download");
    const { sha256, bytes } = await http.download(pin.url, file);
    if (sha256 !== pin.sha256) {
      throw new HelperDownloadError(
        "checksum",
        `${pin.tool} ${pin.version} (linux/${pin.arch}): the download from ${pin.url} has sha256 ${sha256}, but ${HELPER_LOCK_FILE} pins ${pin.sha256}. ` +
          `Nothing was installed. Compare both with upstream's checksum file (the lock's sources); HELPER_TOOLS=build compiles ${pin.tool} from the Go module proxy instead.`,
      );
    }
    const unpacked = pin.archive === "tar.gz" ? await unpackMember(file, work, pin, env) : file;
    chmodSync(unpacked, 0o755);
    const origin: Origin = { url: pin.url, sha256, binarySha256: await fileSha256(unpacked) };
    // The binary first, then its origin: a crash in between leaves a binary without origin, which counts as unverified.
    rmSync(originFile(bin), { force: true });
    renameSync(unpacked, bin);
    writeFileSync(originFile(bin), `${JSON.stringify(origin, null, 2)}\n`);
    return { bytes };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The one executable of a verified tar.gz, extracted by path (nothing else is unpacked). */
async function unpackMember(archive: string, work: string, pin: DownloadPin, env: NodeJS.ProcessEnv): Promise<string> {
  const out = join(work, "unpacked");
  mkdirSync(out);
  const member = pin.member!;
  const { code, stderr } = await execTool("tar", ["-xzf", archive, "-C", out, "--no-same-owner", "--", member], env);
  const path = join(out, member);
  if (code !== 0 || !existsSync(path)) {
    throw new HelperDownloadError(
      "archive",
      `${pin.tool} ${pin.version} (linux/${pin.arch}): ${pin.url} verified, but holds no ${member} (tar: ${stderr.trim() || `exit ${code}`})`,
    );
  }
  return path;
}
