import { imageAndAncestors, releaseNotesUrl, type ToolsLock } from "@image-tooling/image-metadata";
import { lockSources } from "../attest/attest-image.ts";
import type { ExpectedSigner } from "../attest/signer.ts";
import type { RegistryClient } from "@image-tooling/oci-registry";
import type { Workspace } from "../context/workspace.ts";
import { previousVersion } from "../scan/previous.ts";
import { compareVersions, type ImageChanges, type NotesUrl } from "./compare.ts";
import { toolsAtGitTag } from "./git-locks.ts";
import { readVersionFacts } from "./read-version.ts";

export interface ChangesSource {
  ws: Workspace;
  client: RegistryClient;
  /** `<namespace>/<image>`. */
  repository: string;
  expected: ExpectedSigner;
}

/**
 * What changed in `version` of `image` since `against` (default: the highest
 * X.Y.Z below it in the registry; none: a first version). Both versions are
 * read from the registry; a version whose SBOMs are missing or not by the
 * expected signer takes its tools from its git tag `<image>@X.Y.Z`. Links
 * to release notes come from the workspace's locks (a tool's update source
 * outlives its versions).
 */
export async function whatChanged(
  src: ChangesSource,
  image: string,
  version: string,
  opts: { against?: string; reference?: string } = {},
): Promise<ImageChanges> {
  const against = opts.against ?? previousVersion(await src.client.listTags(src.repository), version);
  const lockFiles = imageAndAncestors(src.ws.graph.images, image)
    .reverse()
    .map((pkg) => `${pkg.root}/tools.lock.json`);
  const facts = (v: string, reference?: string) =>
    readVersionFacts(
      src.client,
      src.repository,
      v,
      src.expected,
      () => {
        const pins = toolsAtGitTag(src.ws.root, `${image}@${v}`, lockFiles);
        return pins && { pins, from: `git tag ${image}@${v}` };
      },
      reference,
    );
  const [current, previous] = await Promise.all([facts(version, opts.reference), against ? facts(against) : undefined]);
  return compareVersions(image, previous, current, notesFrom(src.ws, image));
}

/** Release-notes links from the update sources of the image's and its ancestors' locks in the workspace. */
function notesFrom(ws: Workspace, image: string): NotesUrl {
  let locks: ToolsLock[] = [];
  try {
    locks = lockSources(ws, image).map((l) => l.lock);
  } catch {
    // A lock that does not parse fails lint and publish with its own message; here it only costs the links.
  }
  return (tool, version) => {
    for (const lock of locks) {
      const t = lock.tools[tool];
      if (t && "update" in t) return releaseNotesUrl(t.update, version);
    }
    return null;
  };
}
