import type { MetadataProblem } from "@image-tooling/image-metadata";
import { expandTemplate, installPathProblem, memberPathProblem, unknownPlaceholders } from "@image-tooling/image-metadata";
import { parseLock } from "@image-tooling/image-metadata";
import { ARCHES, debianUpstreamVersion, isDebianTool, isPipTool, isSha256, parseDebianPackage, type ToolsLock } from "@image-tooling/image-metadata";

export interface LockCheckInput {
  text: string;
  /** Workspace-relative path, for the messages. */
  file: string;
  image: string;
  /** Tools the image already gets from its parent chain. */
  inheritedTools?: string[];
}

/**
 * Lock completeness: every tool has an exact version, an HTTPS URL template
 * and a sha256 for amd64 and for arm64 (pip tools: every wheel hashed per
 * arch; Debian tools: their package pinned to that version in
 * debian.packages, which apt verifies against the archive's signatures), plus
 * the consistency checks a schema cannot express.
 */
export function checkLock(input: LockCheckInput): { lock: ToolsLock | null; problems: MetadataProblem[] } {
  const { file, image } = input;
  const { lock, problems } = parseLock(input.text, file, image);
  if (!lock) return { lock, problems };
  const p = (field: string | undefined, message: string, hint?: string): void => void problems.push({ file, image, field, message, hint });

  if (lock.image !== image) p("image", `is "${lock.image}" but this is the lock of image "${image}"`);

  for (const [name, tool] of Object.entries(lock.tools)) {
    const at = `tools.${name}`;
    if (input.inheritedTools?.includes(name)) p(at, "is already installed by the parent image", "a child adds only its own tools");
    if (lock.debian.commands[name]) p(`debian.commands.${name}`, `is also a pinned tool (tools.${name})`);
    if (isDebianTool(tool)) {
      const entry = lock.debian.packages.map(parseDebianPackage).find((d) => d.name === tool.package);
      if (!entry) p(`${at}.package`, `"${tool.package}" is not in debian.packages`, `add "${tool.package}=<Debian version>" to debian.packages`);
      else if (entry.version === null)
        p(
          `${at}.package`,
          `"${tool.package}" is not pinned in debian.packages: apt would install whatever the base's release has`,
          `write it as "${tool.package}=<Debian version>"`,
        );
      else if (!upstreamMatches(debianUpstreamVersion(entry.version), tool.version))
        p(`${at}.version`, `is ${tool.version} but debian.packages pins ${tool.package}=${entry.version}`);
      continue;
    }
    if (isPipTool(tool)) {
      const req = lock.python?.requirements.find((r) => r.name.toLowerCase() === tool.package.toLowerCase());
      if (!req) p(`${at}.package`, `"${tool.package}" is not in python.requirements`);
      else if (req.version !== tool.version) p(`${at}.version`, `is ${tool.version} but python.requirements pins ${tool.package}==${req.version}`);
      continue;
    }
    for (const placeholder of unknownPlaceholders(tool.url)) p(`${at}.url`, `has an unknown placeholder {${placeholder}}`, "use {version} and {arch}");
    for (const placeholder of unknownPlaceholders(tool.member ?? ""))
      p(`${at}.member`, `has an unknown placeholder {${placeholder}}`, "use {version} and {arch}");
    for (const arch of ARCHES) {
      // fetch-tools expands {version} and {arch} in every field: an archNames entry must not turn a path into '..'.
      for (const [field, template, problem] of [
        ["install", tool.install, installPathProblem],
        ["member", tool.member, memberPathProblem],
      ] as const) {
        if (template === undefined || problem(template)) continue;
        const expanded = expandTemplate(template, tool, arch);
        const message = problem(expanded);
        if (message) p(`${at}.${field}`, `expands to "${expanded}" for ${arch}: ${message}`, `check tools.${name}.archNames and tools.${name}.version`);
      }
      const url = expandTemplate(tool.url, tool, arch);
      if (!/^https:\/\/[^/\s]+\/\S*$/.test(url)) p(`${at}.url`, `expands to "${url}" for ${arch}, not an https URL`);
      if (/latest/i.test(url)) p(`${at}.url`, `expands to "${url}": a moving "latest" URL cannot be pinned by a sha256`);
    }
    if (!tool.url.includes("{arch}")) p(`${at}.url`, "has no {arch}: amd64 and arm64 would download the same file");
    // Without {version} a version bump downloads the old file, and its sha256 no longer pins what the lock says.
    if (!tool.url.includes("{version}"))
      p(
        `${at}.url`,
        `has no {version}: bumping tools.${name}.version would still download the same file`,
        "put {version} where the release's version appears in the URL",
      );
    if (tool.sha256.amd64 === tool.sha256.arm64) p(`${at}.sha256`, "is the same for amd64 and arm64: one of them is wrong");
  }

  if (lock.python) {
    const missing: Record<string, string[]> = {};
    lock.python.requirements.forEach((req, i) => {
      for (const arch of ARCHES) {
        const hashes = req.sha256[arch];
        const bad = hashes.filter((h) => !isSha256(h));
        if (bad.length) p(`python.requirements[${i}].sha256.${arch}`, `has ${bad.length} value(s) that are not 64-hex sha256: ${bad.join(", ")}`);
        if (hashes.length === 0) {
          missing[req.name] ??= [];
          missing[req.name]!.push(arch);
        }
      }
    });
    const names = Object.keys(missing);
    if (names.length) {
      p(
        "python.requirements[].sha256",
        `has no wheel sha256 for ${names.length} of ${lock.python.requirements.length} requirements (${names.map((n) => `${n}: ${missing[n]!.join("+")}`).join(", ")})`,
        "pip installs with --require-hashes: record each wheel's sha256 for amd64 and arm64 where PyPI is reachable",
      );
    }
    if (!Object.values(lock.tools).some(isPipTool)) p("python", "is set but no tool has source pip");
  } else if (Object.values(lock.tools).some(isPipTool)) {
    p("python", "is required: a tool has source pip");
  }

  const seen = new Set<string>();
  for (const [i, entry] of lock.debian.packages.entries()) {
    const { name } = parseDebianPackage(entry);
    // apt-get would take both and install one of them: the lock would not say which.
    if (seen.has(name)) p(`debian.packages[${i}]`, `names ${name} twice`);
    seen.add(name);
  }
  return { lock, problems };
}

// Debian repacks keep the upstream version as a prefix ("2.32.3+dfsg", "1.0~rc1").
const upstreamMatches = (upstream: string, version: string): boolean =>
  upstream === version || upstream.startsWith(`${version}+`) || upstream.startsWith(`${version}~`);
