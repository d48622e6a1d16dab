/**
 * A Dockerfile RUN line that installs tiny Debian packages made on the spot
 * with dpkg-deb (every Debian image has it): real entries in dpkg's database,
 * which syft lists in an image's SBOM like any package from the archive. Two
 * versions of a fixture image can so differ in exactly the packages a test
 * names (upgraded, added, removed) without an apt repository holding two
 * versions of anything. Must run as root.
 */
export function installFixtureDebs(packages: { name: string; version: string }[]): string {
  const make = [
    "mk() {",
    'd=$(mktemp -d); mkdir -p "$d/DEBIAN"; chmod 0755 "$d" "$d/DEBIAN";',
    `printf 'Package: %s\\nVersion: %s\\nArchitecture: all\\nMaintainer: Fixture <fixture@example.invalid>\\nDescription: fixture package\\n' "$1" "$2" > "$d/DEBIAN/control";`,
    'dpkg-deb --build "$d" "/tmp/$1.deb" >/dev/null; dpkg -i "/tmp/$1.deb" >/dev/null; rm -rf "$d" "/tmp/$1.deb";',
    "}",
  ].join(" ");
  return `RUN set -e; ${make}; ${packages.map((p) => `mk ${p.name} ${p.version}`).join("; ")}`;
}
