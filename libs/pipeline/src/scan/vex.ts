import { z } from "zod";
import type { Finding } from "./findings.ts";

/**
 * Accepted risk as OpenVEX (https://github.com/openvex/spec, v0.2.0). A
 * statement accepts a finding for an image when it names the vulnerability
 * (or an alias), the image as product (`pkg:oci/<image>` or the bare name),
 * optionally the package as subcomponent, has status `not_affected` with a
 * justification, and has not expired. `expires` (a date) is our extension:
 * the spec has no expiry, and accepted risk must be looked at again. Pure:
 * the caller reads the files.
 */

export const VEX_JUSTIFICATIONS = [
  "component_not_present",
  "vulnerable_code_not_present",
  "vulnerable_code_not_in_execute_path",
  "vulnerable_code_cannot_be_controlled_by_adversary",
  "inline_mitigations_already_exist",
] as const;

export class VexError extends Error {}

const product = z.object({ "@id": z.string().min(1, "must not be empty"), subcomponents: z.array(z.object({ "@id": z.string().min(1) })).optional() });

const statement = z.object({
  vulnerability: z.object({ name: z.string().min(1, "must name the vulnerability (CVE-…)"), aliases: z.array(z.string()).optional() }),
  products: z.array(product).min(1, "must name at least one product (pkg:oci/<image>)"),
  status: z.enum(["not_affected", "affected", "fixed", "under_investigation"], {
    error: () => "must be one of not_affected, affected, fixed, under_investigation",
  }),
  justification: z.enum(VEX_JUSTIFICATIONS, { error: () => `must be one of ${VEX_JUSTIFICATIONS.join(", ")}` }).optional(),
  impact_statement: z.string().optional(),
  expires: z.iso.date("must be a date, YYYY-MM-DD"),
});

const document = z.object({
  "@context": z.string().startsWith("https://openvex.dev/ns", "must be https://openvex.dev/ns/v0.2.0"),
  "@id": z.string().min(1),
  author: z.string().min(1, "must name who accepted the risk"),
  timestamp: z.string().min(1),
  version: z.number().int(),
  statements: z.array(statement),
});

export interface VexStatement {
  /** `<file>#statements[i]`: where to find (and renew) it. */
  where: string;
  vulnerability: string;
  aliases: string[];
  products: string[];
  /** Package names the statement is limited to; empty: any. */
  packages: string[];
  status: string;
  justification?: string;
  /** Last day the statement counts (UTC). */
  expires: string;
}

const purlName = (purl: string): string =>
  purl
    .replace(/^pkg:[^/]+\//, "")
    .replace(/[@?#].*$/, "")
    .split("/")
    .pop() ?? purl;

/** Parses one OpenVEX file's text; a problem is one VexError naming the file and field. */
export function parseVex(file: string, text: string): VexStatement[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new VexError(`${file}: is not valid JSON (${(e as Error).message}); fix it, or remove the file`);
  }
  const parsed = document.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path
      .map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`))
      .join("")
      .replace(/^\./, "");
    throw new VexError(
      `${file}: ${field || "document"} ${issue.message} — an OpenVEX v0.2.0 document, each statement with a justification and expires (see libs/pipeline/README.md#vulnerabilities)`,
    );
  }
  return parsed.data.statements.map((s, i) => {
    if (s.status === "not_affected" && !s.justification) {
      throw new VexError(`${file}: statements[${i}].justification is required for status not_affected (one of ${VEX_JUSTIFICATIONS.join(", ")})`);
    }
    return {
      where: `${file}#statements[${i}]`,
      vulnerability: s.vulnerability.name,
      aliases: s.vulnerability.aliases ?? [],
      products: s.products.map((p) => p["@id"]),
      packages: s.products.flatMap((p) => (p.subcomponents ?? []).map((c) => purlName(c["@id"]))),
      status: s.status,
      justification: s.justification,
      expires: s.expires,
    };
  });
}

const productMatches = (image: string, id: string): boolean => id === image || id.replace(/[@?#].*$/, "") === `pkg:oci/${image}`;

/** Whether `s` speaks about this finding in this image (status and expiry aside). */
export function statementMatches(s: VexStatement, image: string, finding: Pick<Finding, "id" | "package">): boolean {
  if (s.vulnerability !== finding.id && !s.aliases.includes(finding.id)) return false;
  if (!s.products.some((p) => productMatches(image, p))) return false;
  return s.packages.length === 0 || s.packages.includes(finding.package);
}

/** An expired statement stops counting the day after `expires`. */
export const isExpired = (s: VexStatement, now: Date): boolean => now.toISOString().slice(0, 10) > s.expires;

/** Whether a statement accepts a finding: `not_affected` with a justification. */
export const accepts = (s: VexStatement): boolean => s.status === "not_affected" && Boolean(s.justification);
