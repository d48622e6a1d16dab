/**
 * Why a shell command downloads something without verifying it, or null.
 * A heuristic on purpose: a command that runs curl or wget must also run a
 * sha256sum check, and pip must run in --require-hashes mode.
 */
export function unverifiedDownload(command: string): string | null {
  const commands = simpleCommands(stripComments(command));
  const fetchers = commands.filter((c) => /^(\S*\/)?(curl|wget)$/.test(c[0] ?? ""));
  if (fetchers.length) {
    const verified = commands.some((c) => /^(\S*\/)?sha256sum$/.test(c[0] ?? "") && c.some((a) => a === "-c" || a === "--check"));
    if (!verified) return "downloads with curl/wget without a sha256sum -c check";
    if (fetchers.some((c) => c.some((a) => /^["']?http:\/\//.test(a)))) return "downloads over plain http";
  }
  const pip = commands.find(
    (c) => c.some((a, i) => a === "install" && /(^|\/)pip3?$/.test(c[i - 1] ?? "")) || (c.includes("pip") && c.includes("install") && c.includes("-m")),
  );
  if (pip && !pip.includes("--require-hashes")) return "runs pip install without --require-hashes";
  return null;
}

const stripComments = (s: string): string =>
  s
    .split("\n")
    .filter((line) => !/^\s*#/.test(line))
    .join("\n");

/**
 * The words of each simple command: split at ; && || | newlines, $( and
 * backticks, minus leading VAR=value assignments and exec/sudo/env wrappers.
 * Enough to tell `curl URL` from `apt-get install curl`.
 */
function simpleCommands(text: string): string[][] {
  return text
    .split(/&&|\|\||[;|\n`]|\$\(|\bthen\b|\bdo\b|\belse\b/)
    .map((part) =>
      part
        .replace(/[(){}]/g, " ")
        .trim()
        .split(/\s+/)
        .filter(Boolean),
    )
    .map((words) => {
      let i = 0;
      while (i < words.length && (/^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]!) || /^(exec|sudo|env|command|if|!|time)$/.test(words[i]!))) i += 1;
      return words.slice(i);
    })
    .filter((words) => words.length > 0);
}
