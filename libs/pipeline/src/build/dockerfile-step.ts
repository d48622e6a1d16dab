/**
 * Finds the Dockerfile instruction a failed build command came from, so a
 * build error can name the file and line before anything else. Pure: given
 * the Dockerfile's text and the command the engine reports (`/bin/sh -c …`
 * for shell form, the argv for exec form).
 */

export interface DockerfileStep {
  /** 1-based line where the instruction starts. */
  line: number;
  /** The instruction as written, continuation lines joined. */
  instruction: string;
}

interface Instruction extends DockerfileStep {
  keyword: string;
  /** Arguments after the keyword and its --flags. */
  args: string;
}

const squash = (s: string): string => s.replace(/\s+/g, " ").trim();

/** Instructions with the line each starts on; comments and blank lines dropped, `\` continuations joined. */
export function dockerfileInstructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  let current: { line: number; parts: string[] } | undefined;
  text.split(/\r?\n/).forEach((raw, i) => {
    const trimmed = raw.trim();
    if (!current && (trimmed === "" || trimmed.startsWith("#"))) return;
    if (current && trimmed.startsWith("#")) return; // comments inside a continued instruction are dropped by the parser too
    const continued = /\\\s*$/.test(raw);
    const part = continued ? raw.replace(/\\\s*$/, "") : raw;
    if (current) current.parts.push(part);
    else current = { line: i + 1, parts: [part] };
    if (continued) return;
    const instruction = squash(current.parts.join(" "));
    const m = /^(\S+)\s*(.*)$/.exec(instruction)!;
    const args = m[2]!.replace(/^(?:--\S+\s+)*/, "");
    out.push({ line: current.line, instruction, keyword: m[1]!.toUpperCase(), args });
    current = undefined;
  });
  return out;
}

/** The RUN instruction that ran `cmd`, if the Dockerfile has it. */
export function findRunStep(dockerfileText: string, cmd: string[]): DockerfileStep | undefined {
  const shell = cmd.length >= 3 && /(^|\/)(ba|da)?sh$/.test(cmd[0]!) && cmd[cmd.length - 2] === "-c" ? squash(cmd[cmd.length - 1]!) : undefined;
  for (const ins of dockerfileInstructions(dockerfileText)) {
    if (ins.keyword !== "RUN") continue;
    if (ins.args.startsWith("[")) {
      try {
        const argv = JSON.parse(ins.args) as unknown;
        if (Array.isArray(argv) && argv.length === cmd.length && argv.every((a, i) => a === cmd[i])) return { line: ins.line, instruction: ins.instruction };
      } catch {
        // not exec form after all: compare as shell form
      }
    }
    if (shell !== undefined && squash(ins.args) === shell) return { line: ins.line, instruction: ins.instruction };
  }
  return undefined;
}

/** A path as the build context knows it: no leading `./` or `/`, no trailing `/`. */
const contextPath = (p: string): string => p.replace(/^(\.\/|\/)+/, "").replace(/\/+$/, "");

/** The sources of a COPY/ADD (everything but the destination), shell or exec form. */
function copySources(args: string): string[] {
  if (args.startsWith("[")) {
    try {
      const argv = JSON.parse(args) as unknown;
      if (Array.isArray(argv) && argv.every((a) => typeof a === "string")) return (argv as string[]).slice(0, -1);
    } catch {
      // not exec form after all: split as shell form
    }
  }
  return args.split(" ").filter(Boolean).slice(0, -1);
}

/**
 * The COPY or ADD instruction that names `missing` (a build-context path, as
 * the engine reports it) among its sources; `--from` copies read another
 * stage or image, not the context, so they never match.
 */
export function findCopyStep(dockerfileText: string, missing: string): DockerfileStep | undefined {
  const wanted = contextPath(missing);
  for (const ins of dockerfileInstructions(dockerfileText)) {
    if ((ins.keyword !== "COPY" && ins.keyword !== "ADD") || /(^|\s)--from[=\s]/.test(ins.instruction)) continue;
    if (copySources(ins.args).some((src) => contextPath(src) === wanted)) return { line: ins.line, instruction: ins.instruction };
  }
  return undefined;
}
