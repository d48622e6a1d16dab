import { diffFindings } from "./delta.ts";
import { sortFindings, type DbInfo, type Finding } from "./findings.ts";
import { ROUTE_TEXT } from "./fix-route.ts";
import { acrossPlatforms, findingLine } from "./report.ts";

/**
 * What a rescan of one published digest says: per platform against the
 * report attached at publish (or the last rescan's), what is new, what is no
 * longer reported, and what a rebuild or a tool update would fix now. Pure.
 */
export interface PlatformRescan {
  platform: string;
  digest: string;
  /** The attached report's findings; undefined: the digest carries none. */
  attached?: Finding[];
  attachedDb?: string;
  now: Finding[];
}

export interface RescanResult {
  image: string;
  version: string;
  digest: string;
  db: DbInfo;
  new: (Finding & { platforms: string[] })[];
  gone: (Finding & { platforms: string[] })[];
  /** Everything with a fix now, with its route. */
  fixable: (Finding & { platforms: string[] })[];
  platforms: { platform: string; digest: string; attachedDb?: string; findings: number }[];
}

export function rescanResult(image: string, version: string, digest: string, db: DbInfo, platforms: PlatformRescan[]): RescanResult {
  const deltas = platforms.map((p) => ({ p, d: diffFindings(p.attached ?? [], p.now) }));
  const by = (pick: (x: (typeof deltas)[number]) => Finding[]) =>
    sortFindings(acrossPlatforms(Object.fromEntries(deltas.map((x) => [x.p.platform, pick(x)])))) as (Finding & { platforms: string[] })[];
  return {
    image,
    version,
    digest,
    db,
    new: by((x) => (x.p.attached ? x.d.new : x.p.now)),
    gone: by((x) => x.d.fixed),
    fixable: by((x) => x.p.now.filter((f) => f.fixedIn)),
    platforms: platforms.map((p) => ({ platform: p.platform, digest: p.digest, attachedDb: p.attachedDb, findings: p.now.length })),
  };
}

const bullet = (f: Finding & { platforms: string[] }) => `${findingLine(f)} [${f.platforms.join(", ")}]`;

export function rescanLines(r: RescanResult): string[] {
  const routes = [...new Set(r.fixable.map((f) => f.route))];
  return [
    `${r.image} ${r.version} (${r.digest.slice(0, 19)}…), database built ${r.db.built}:`,
    ...r.platforms.filter((p) => !p.attachedDb).map((p) => `  ${p.platform} carries no vulnerability report: everything below counts as new`),
    ...(r.new.length ? r.new.map((f) => `  new since the attached report: ${bullet(f)}`) : ["  nothing new since the attached report"]),
    ...r.gone.map((f) => `  no longer reported: ${f.id} in ${f.package} [${f.platforms.join(", ")}]`),
    ...(r.fixable.length
      ? [
          `  a fix exists for ${r.fixable.length} finding(s): ${routes.map((route) => ROUTE_TEXT[route]).join("; ")}`,
          ...r.fixable.map((f) => `    ${bullet(f)}`),
        ]
      : ["  nothing a rebuild or tool update would fix"]),
  ];
}

export function rescanMarkdown(r: RescanResult): string[] {
  const row = (f: Finding & { platforms: string[] }) =>
    `| ${f.id} | ${f.severity} | ${f.package} | ${f.installed} | ${f.fixedIn ?? "—"} | ${ROUTE_TEXT[f.route]} | ${f.platforms.join(", ")} |`;
  const table = (title: string, fs: (Finding & { platforms: string[] })[]) =>
    fs.length
      ? [`**${title}**`, "", "| id | severity | package | installed | fixed in | fix | platforms |", "|---|---|---|---|---|---|---|", ...fs.map(row), ""]
      : [];
  return [
    `### ${r.image} ${r.version}`,
    "",
    `\`${r.digest}\`, database built ${r.db.built}`,
    "",
    ...table("New since the attached report", r.new),
    ...table("A rebuild or tool update would fix", r.fixable),
    ...(r.gone.length ? [`No longer reported: ${r.gone.map((f) => `${f.id} (${f.package})`).join(", ")}`, ""] : []),
  ];
}
