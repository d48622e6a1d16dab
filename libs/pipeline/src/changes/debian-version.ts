/**
 * Debian's version order (deb-version(7): epoch, upstream version, Debian
 * revision; letters before non-letters, "~" before everything, even the
 * end), so "what changed" can say upgraded or downgraded. Pure.
 */
export function compareDebianVersions(a: string, b: string): number {
  const pa = split(a);
  const pb = split(b);
  if (pa.epoch !== pb.epoch) return pa.epoch < pb.epoch ? -1 : 1;
  return comparePart(pa.upstream, pb.upstream) || comparePart(pa.revision, pb.revision);
}

function split(v: string): { epoch: number; upstream: string; revision: string } {
  const colon = v.indexOf(":");
  const epoch = colon > 0 ? Number(v.slice(0, colon)) || 0 : 0;
  const rest = colon > 0 ? v.slice(colon + 1) : v;
  const dash = rest.lastIndexOf("-");
  return dash > 0 ? { epoch, upstream: rest.slice(0, dash), revision: rest.slice(dash + 1) } : { epoch, upstream: rest, revision: "0" };
}

/** The weight of one non-digit character: "~" lowest, then the end, letters, everything else. */
const order = (c: string | undefined): number => {
  if (c === undefined) return 0;
  if (c === "~") return -1;
  if (/[A-Za-z]/.test(c)) return c.charCodeAt(0);
  return c.charCodeAt(0) + 256;
};

function comparePart(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    // The non-digit run, character by character.
    while ((i < a.length && !isDigit(a[i]!)) || (j < b.length && !isDigit(b[j]!))) {
      const ca = i < a.length && !isDigit(a[i]!) ? a[i] : undefined;
      const cb = j < b.length && !isDigit(b[j]!) ? b[j] : undefined;
      const d = order(ca) - order(cb);
      if (d !== 0) return d < 0 ? -1 : 1;
      i++;
      j++;
    }
    // The digit run, as a number.
    let na = "";
    let nb = "";
    while (i < a.length && isDigit(a[i]!)) na += a[i++];
    while (j < b.length && isDigit(b[j]!)) nb += b[j++];
    const d = BigInt(na || "0") - BigInt(nb || "0");
    if (d !== 0n) return d < 0n ? -1 : 1;
  }
  return 0;
}

const isDigit = (c: string): boolean => c >= "0" && c <= "9";
