import type { ToolsLock } from "@image-tooling/image-metadata";

/** Where the image keeps the toolbox data (one file pair per image layer). */
export const TOOLBOX_DATA_DIR = "rootfs/usr/local/share/toolbox";

/** POSIX single-quoting, so toolbox-help can `eval "set -- $cmd"` back to argv. */
export const shellQuote = (arg: string): string => `'${arg.replaceAll("'", `'\\''`)}'`;

/**
 * The tab-separated data toolbox-help reads without jq (toolbox-base and
 * the images without a jq pin ship none): name, pinned version ("debian" for apt commands), version
 * command, description, examples.
 */
export function renderToolboxTsv(lock: ToolsLock): string {
  const rows = [
    ...Object.entries(lock.tools).map(([name, t]) => [name, t.version, t.versionCommand.map(shellQuote).join(" "), t.description, ...t.examples]),
    ...Object.entries(lock.debian.commands).map(([name, c]) => [name, "debian", c.versionCommand.map(shellQuote).join(" "), c.description, ...c.examples]),
  ];
  const header = `# ${lock.image}: generated from tools.lock.json by npm run image-docs. Fields (tab-separated): tool, pinned version, version command, description, examples.`;
  return [header, ...rows.map((r) => r.join("\t"))].join("\n") + "\n";
}

/** The pinned versions as shipped in the image (toolbox-help --json merges the layers). */
export function renderToolboxJson(lock: ToolsLock): string {
  const doc = {
    image: lock.image,
    tools: Object.fromEntries(Object.entries(lock.tools).map(([n, t]) => [n, t.version])),
    ...(lock.python ? { python: Object.fromEntries(lock.python.requirements.map((r) => [r.name, r.version])) } : {}),
    debian: lock.debian.packages,
  };
  return JSON.stringify(doc) + "\n";
}
