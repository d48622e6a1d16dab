/**
 * Generated blocks inside hand-written files. A block sits between
 *   <!-- BEGIN GENERATED name: ... -->  and  <!-- END GENERATED name -->   (Markdown)
 *   # BEGIN GENERATED name: ...        and  # END GENERATED name          (Dockerfile, YAML)
 * Everything outside stays the author's; `npm run image-docs` rewrites the inside.
 */
export type CommentStyle = "html" | "hash";

export const GENERATED_NOTE = "do not edit, run `npm run image-docs` (source: tools.lock.json)";

const begin = (style: CommentStyle, name: string): string =>
  style === "html" ? `<!-- BEGIN GENERATED ${name}: ${GENERATED_NOTE} -->` : `# BEGIN GENERATED ${name}: ${GENERATED_NOTE}`;
const end = (style: CommentStyle, name: string): string => (style === "html" ? `<!-- END GENERATED ${name} -->` : `# END GENERATED ${name}`);
const beginRe = (style: CommentStyle, name: string): RegExp =>
  style === "html" ? new RegExp(`^([ \\t]*)<!-- BEGIN GENERATED ${name}\\b.*-->[ \\t]*$`, "m") : new RegExp(`^([ \\t]*)# BEGIN GENERATED ${name}\\b.*$`, "m");
const endRe = (style: CommentStyle, name: string): RegExp =>
  style === "html" ? new RegExp(`^[ \\t]*<!-- END GENERATED ${name} -->[ \\t]*$`, "m") : new RegExp(`^[ \\t]*# END GENERATED ${name}[ \\t]*$`, "m");

/**
 * The text with block `name` holding `body` (lines indented like the BEGIN
 * marker), or null when the file lacks the markers.
 */
export function replaceBlock(text: string, name: string, style: CommentStyle, body: string): string | null {
  const b = beginRe(style, name).exec(text);
  if (!b) return null;
  const afterBegin = b.index + b[0].length;
  const rest = text.slice(afterBegin);
  const e = endRe(style, name).exec(rest);
  if (!e) return null;
  const indent = b[1] ?? "";
  const lines = body
    .replace(/\n$/, "")
    .split("\n")
    .map((l) => (l.length ? indent + l : l));
  return `${text.slice(0, b.index)}${indent}${begin(style, name)}\n${lines.join("\n")}\n${indent}${end(style, name)}${rest.slice(e.index + e[0].length)}`;
}
