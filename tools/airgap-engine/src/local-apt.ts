/**
 * The offline apt repository inside the seeded Debian base.
 *
 * Containers on our machines may reach only loopback and their own bridge,
 * never Debian's archive, yet tests and the real Dockerfiles built here run
 * `apt-get update && apt-get install …` on the seeded base. So the base
 * carries the .debs those installs need, fetched while the rootfs is built
 * on the host (which may reach deb.debian.org), and apt sources that name
 * only that repository. Pure: the step in steps/images.ts runs what these
 * render.
 */

/** Where the repository lives inside the image. */
export const LOCAL_APT_DIR = "/var/lib/harness-apt";

/**
 * What a container from the seeded base can `apt-get install` with no
 * network, with every dependency the slim rootfs lacks. The union of what
 * runs on this machine: the fetch stages of the real Dockerfiles (ca-certificates
 * curl jq unzip), their final stages (the locks' bash ca-certificates curl git
 * tini) and the fetch-tools e2e fixtures (openssl zip). Changing it rebuilds
 * the base (it is part of the layer's cache key).
 */
export const LOCAL_APT_PACKAGES: readonly string[] = ["bash", "ca-certificates", "curl", "git", "jq", "openssl", "tini", "unzip", "zip"];

// Debian policy's package name syntax; anything else would be a typo or an
// injection into the scripts below.
const DEBIAN_PACKAGE = /^[a-z0-9][a-z0-9+.-]+$/;

export function checkPackageNames(names: readonly string[]): readonly string[] {
  if (names.length === 0) throw new Error("the offline apt repository needs at least one package");
  const bad = names.filter((n) => !DEBIAN_PACKAGE.test(n));
  if (bad.length) throw new Error(`not Debian package names: ${bad.map((n) => JSON.stringify(n)).join(", ")}`);
  return names;
}

/**
 * Runs inside the freshly upgraded rootfs (chroot; arm64 under qemu), with
 * the packages as arguments. `--download-only` against the rootfs's own dpkg
 * state fetches exactly what an install there would need, verified against
 * the archive's signatures. Each package is also resolved alone: apt picks
 * dependency alternatives per request, and a container installing a subset
 * must find whatever alternative that subset resolves to.
 */
export function renderAptDownloadScript(): string {
  return `set -eu
for pkg in "$@"; do
	apt-get install --download-only -y -qq --no-install-recommends "$pkg"
done
apt-get install --download-only -y -qq --no-install-recommends "$@"
`;
}

/**
 * Runs on the host against the rootfs (path in $1) after the download:
 * moves the .debs out of apt's cache (the slim step empties it) into
 * ${LOCAL_APT_DIR} and indexes them as a flat repository with the host's
 * apt-ftparchive, so the image needs no indexing tool of its own.
 */
export function renderLocalRepoScript(): string {
  return `set -eu
root="$1"
repo="$root${LOCAL_APT_DIR}"
rm -rf "$repo"
mkdir -p "$repo"
set -- "$root"/var/cache/apt/archives/*.deb
[ -e "$1" ] || { echo "no .deb was downloaded into $root/var/cache/apt/archives" >&2; exit 1; }
mv -- "$@" "$repo"/
cd "$repo"
apt-ftparchive packages . > Packages
# Written beside the directory: apt-ftparchive must not index a half-written Release.
apt-ftparchive -o APT::FTPArchive::Release::Origin=image-tooling-harness -o APT::FTPArchive::Release::Label=image-tooling-harness-offline release . > "$repo.Release"
mv "$repo.Release" Release
chmod 0755 "$repo"
chmod 0644 "$repo"/*
`;
}

/**
 * The image's only apt source. trusted=yes because the repository has no
 * signature of its own: apt verified every .deb against Debian's signed
 * archive when it downloaded them, and the image digest pins them since.
 */
export function renderLocalAptSources(packages: readonly string[] = LOCAL_APT_PACKAGES): string {
  return `# Offline repository of the image-tooling harness (tools/airgap-engine):
# containers here may not reach Debian's archive. Packages: ${checkPackageNames(packages).join(" ")} and their dependencies.
deb [trusted=yes] file:${LOCAL_APT_DIR} ./
`;
}

/** Where renderLocalAptSources() goes; every other apt source is removed. */
export const LOCAL_APT_SOURCES_FILE = "etc/apt/sources.list.d/harness-local.list";
