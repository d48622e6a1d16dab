import { formatBytes } from "../log/size.ts";
import { isUnknown, type ImageChanges, type PackageChanges } from "./compare.ts";

export type { ImageChanges };

/**
 * "What changed" as Markdown: the release notes' section (GitHub release
 * body and job summary) and what `npm run image:diff` prints. Pure.
 */

const code = (s: string): string => `\`${s}\``;
const short = (digest: string): string => `${digest.slice(0, 19)}…`;
const link = (text: string, url?: string): string => (url ? `[${text}](${url})` : text);

/** `+1.2 MB`, `-340 B`, `±0 B`. */
export function signedBytes(delta: number): string {
  if (delta === 0) return "±0 B";
  return `${delta > 0 ? "+" : "-"}${formatBytes(Math.abs(delta))}`;
}

function packageLines(p: PackageChanges): string[] {
  const out: string[] = [];
  if (p.upgraded.length) out.push(`  - upgraded: ${p.upgraded.map((c) => `${c.name} ${c.from} → ${c.to}`).join(", ")}`);
  if (p.downgraded.length) out.push(`  - downgraded: ${p.downgraded.map((c) => `${c.name} ${c.from} → ${c.to}`).join(", ")}`);
  if (p.added.length) out.push(`  - added: ${p.added.map((c) => `${c.name} ${c.version}`).join(", ")}`);
  if (p.removed.length) out.push(`  - removed: ${p.removed.map((c) => `${c.name} ${c.version}`).join(", ")}`);
  return out.length ? out : ["  - no change"];
}

export function changesMarkdown(c: ImageChanges, opts: { vulnerabilities?: string } = {}): string[] {
  if (!c.previous) return [`${c.image} ${c.version} is the first published version: it has no predecessor to compare with.`];
  const out = [`Compared with ${c.image} ${c.previous.version} (${code(short(c.previous.digest))}):`, ""];

  const t = c.tools;
  if (!t || isUnknown(t)) out.push(`**Tools:** not known (${t?.unknown ?? "not compared"})`, "");
  else if (t.moved.length + t.added.length + t.removed.length === 0) out.push("**Tools:** no change", "");
  else
    out.push(
      "**Tools:**",
      "",
      ...t.moved.map((m) => `- ${m.name} ${m.from} → ${link(m.to, m.notes)}`),
      ...t.added.map((a) => `- ${a.name} ${link(a.version, a.notes)} (added)`),
      ...t.removed.map((r) => `- ${r.name} ${r.version} (removed)`),
      "",
    );

  const platforms = Object.entries(c.packages ?? {});
  if (platforms.length) {
    out.push("**Debian packages** (from each platform's SBOM):", "");
    for (const [platform, p] of platforms) {
      if (isUnknown(p)) out.push(`- ${platform}: not known (${p.unknown})`);
      else out.push(`- ${platform}:`, ...packageLines(p));
    }
    out.push("");
  }

  const b = c.base;
  if (b) {
    const name = (x?: { name: string; digest: string }) => (x ? `${x.name} ${code(short(x.digest))}` : "unknown");
    out.push(b.changed ? `**Base:** ${name(b.from)} → ${name(b.to)}` : `**Base:** unchanged, ${name(b.to)}`, "");
  }

  const sizes = Object.entries(c.sizes ?? {});
  if (sizes.length) {
    out.push("**Compressed size:**", "");
    for (const [platform, s] of sizes) {
      const from = s.from === undefined ? "—" : formatBytes(s.from);
      const to = s.to === undefined ? "—" : formatBytes(s.to);
      out.push(`- ${platform}: ${from} → ${to}${s.delta === undefined ? "" : ` (${signedBytes(s.delta)})`}`);
    }
    out.push("");
  }
  if (opts.vulnerabilities) out.push(`**Vulnerabilities:** ${opts.vulnerabilities}`);
  while (out.at(-1) === "") out.pop();
  return out;
}
