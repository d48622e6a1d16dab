import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { TempWorkspace } from "./temp-workspace.ts";
import { INSTALL_ROOT } from "@image-tooling/cli-support";

// The fixture image packages are the pipeline's test data; they live with its tests.
const FIXTURES = join(INSTALL_ROOT, "libs/pipeline/test/fixtures");

/**
 * A real git workspace holding the fixture image packages (fixture-base on the
 * mirrored Debian base, fixture-child on it), built only from what the
 * harness's registry mirror holds. `baseDigest` pins fixture-base's base.
 */
export function fixtureWorkspace(baseDigest: string, fixtures = ["fixture-base", "fixture-child"]): TempWorkspace {
  const ws = TempWorkspace.create({ withPackages: false });
  for (const name of fixtures) {
    cpSync(join(FIXTURES, name), join(ws.root, "packages", name), { recursive: true });
    const meta = join(ws.root, "packages", name, "image.yaml");
    writeFileSync(meta, readFileSync(meta, "utf8").replace("@HARNESS_DEBIAN_DIGEST@", baseDigest));
  }
  ws.commitAll("fixture images");
  return ws;
}

/** Sets a package's version (and its children's dependency on it), as `changeset version` would. */
export function setVersion(ws: TempWorkspace, image: string, version: string): void {
  const file = `packages/${image}/package.json`;
  const pkg = JSON.parse(ws.read(file));
  pkg.version = version;
  ws.write(file, `${JSON.stringify(pkg, null, 2)}\n`);
}
