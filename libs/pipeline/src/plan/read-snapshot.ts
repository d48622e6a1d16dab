import { INPUTS_DIGEST_LABEL } from "../build/labels.ts";
import type { RegistryClient } from "@image-tooling/oci-registry";
import type { PublishedImage, RegistrySnapshot, SnapshotQuery } from "./plan-publish.ts";

/** The image at `tag` with its inputs-digest label, or null when the tag is absent. */
export async function readPublished(client: RegistryClient, repository: string, tag: string, platform: string): Promise<PublishedImage | null> {
  const digest = await client.manifestDigest(repository, tag);
  if (!digest) return null;
  const config = await client.imageConfig(repository, digest, platform);
  return { digest, inputsDigest: config.config?.Labels?.[INPUTS_DIGEST_LABEL] };
}

/**
 * Reads what planPublish needs for one image: its tags, the digests of its
 * immutable and floating tags, and — only when the image is to be built (its
 * immutable tag is absent) and has a parent — the parent as published.
 */
export async function readSnapshot(client: RegistryClient, query: SnapshotQuery, opts: { parent: boolean } = { parent: true }): Promise<RegistrySnapshot> {
  const listed = await client.listTags(query.repository);
  const immutable = listed.includes(query.immutable) ? await readPublished(client, query.repository, query.immutable, query.platform) : null;
  const floating: Record<string, string> = {};
  for (const tag of query.floating) {
    const digest = listed.includes(tag) ? await client.manifestDigest(query.repository, tag) : null;
    if (digest) floating[tag] = digest;
  }
  // A tag listed but gone by the time it was read is absent: the snapshot says the same thing everywhere.
  const tags = listed.filter((t) => (t === query.immutable ? immutable : !query.floating.includes(t) || floating[t]));
  const snapshot: RegistrySnapshot = { tags, floating, ...(immutable && { immutable }) };
  if (query.parent && !immutable && opts.parent)
    snapshot.parent = await readPublished(client, query.parent.repository, query.parent.tag, query.parent.platform);
  return snapshot;
}
