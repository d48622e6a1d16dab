import { expandTemplate } from "@image-tooling/image-metadata";
import { isDebianTool, isDownloadTool, parseDebianPackage } from "@image-tooling/image-metadata";
import { allPinnedTools, imageRef, majorTag, type ImageContext } from "./context.ts";
import { TOOLS_LABEL } from "./label.ts";

const cell = (s: string): string => s.replaceAll("|", "\\|");

/** "What's inside": rendered from the lock and image.yaml, so it cannot drift from the build. */
export function renderContentsBlock(ctx: ImageContext): string {
  const { pkg, lock } = ctx;
  const out: string[] = ["## What's inside", ""];
  const parent = ctx.ancestors[0];
  if (parent) {
    out.push(`Built on [\`${parent.pkg.name}\`](../${parent.pkg.name}/README.md) (the same commit's build), with everything in it, plus the tools below.`);
  } else if (pkg.metadata.base) {
    out.push(`Base: \`${pkg.metadata.base.image}@${pkg.metadata.base.digest}\` (pinned in image.yaml).`);
  }
  out.push(`Platforms: ${pkg.metadata.platforms.join(", ")}.`, "");

  // An image that only installs Debian packages (toolbox-base) gets no empty table.
  if (Object.keys(lock.tools).length) out.push("| Tool | Version | What it is | Installed from |", "|---|---|---|---|");
  for (const [name, t] of Object.entries(lock.tools)) {
    const from = isDebianTool(t)
      ? `Debian: \`${lock.debian.packages.find((d) => parseDebianPackage(d).name === t.package) ?? t.package}\` (apt, verified by the archive's signatures)`
      : isDownloadTool(t)
        ? `\`${expandTemplate(t.url, t, null)}\` (sha256 per arch checked before use)`
        : `pip: \`${t.package}==${t.version}\` (Python requirements below)`;
    out.push(`| [${name}](${t.homepage}) | ${t.version} | ${cell(t.description)} | ${cell(from)} |`);
  }
  if (Object.keys(lock.tools).length) out.push("");
  if (parent) {
    const tools = allPinnedTools({ ...ctx, lock: { ...lock, tools: {} } }).map(([n, v]) => `${n} ${v}`);
    const debian = [...ctx.ancestors].reverse().flatMap((a) => a.lock.debian.packages.map((d) => `\`${d}\``));
    const inherited = [tools.join(", "), debian.length ? `Debian packages ${debian.join(", ")}` : ""].filter(Boolean).join("; ");
    out.push(`From \`${parent.pkg.name}\` and its parents: ${inherited}.`, "");
  }
  const pinned = lock.debian.packages.filter((d) => parseDebianPackage(d).version !== null);
  const floating = lock.debian.packages.filter((d) => parseDebianPackage(d).version === null);
  if (floating.length) {
    out.push(`From Debian (apt, verified by the archive's signatures; versions follow the base): ${floating.map((d) => `\`${d}\``).join(", ")}.`, "");
  }
  if (pinned.length) {
    out.push(
      `Pinned Debian packages (apt installs exactly this version or the build fails; verified by the archive's signatures): ${pinned.map((d) => `\`${d}\``).join(", ")}. Their dependencies come from the base's Debian release, verified the same way.`,
      "",
    );
  }

  if (lock.python) {
    const py = lock.python;
    out.push(
      "### Python packages",
      "",
      `Installed with \`pip --require-hashes --no-deps\` into a virtualenv from ${py.index}; versions from ${py.constraints}.`,
      "",
    );
    out.push("| Package | Version | sha256 amd64 / arm64 |", "|---|---|---|");
    for (const r of py.requirements) {
      const status = (hs: string[]): string => (hs.length ? `${hs.length} recorded` : "**missing**");
      out.push(`| ${r.name} | ${r.version} | ${status(r.sha256.amd64)} / ${status(r.sha256.arm64)} |`);
    }
    out.push("");
  }

  out.push(
    `The pinned versions ship in the image as \`/usr/local/share/toolbox/${pkg.name}.json\` and as the OCI label \`${TOOLS_LABEL}\`;`,
    "`toolbox-help` prints what each tool reports at run time next to its pin.",
  );
  return out.join("\n") + "\n";
}

/** Pull/run examples, the shell alias and CI snippets, with the registry from image-tooling.yaml. */
export function renderUsageBlock(ctx: ImageContext): string {
  const ref = `${imageRef(ctx)}:${majorTag(ctx.pkg.version)}`;
  const tools = allPinnedTools(ctx).map(([n]) => n);
  const kube = tools.includes("kubectl");
  const firstTool = Object.values(ctx.lock.tools)[0];
  const check = firstTool ? firstTool.versionCommand.join(" ") : "toolbox-help";
  const out: string[] = [
    "## Pull and run",
    "",
    "```sh",
    `IMAGE=${ref}`,
    'docker pull "$IMAGE"',
    'docker run --rm "$IMAGE" toolbox-help                    # each tool and its version',
    ...(firstTool ? [`docker run --rm "$IMAGE" ${check}`] : []),
    'docker run -it --rm -v "$PWD":/work -w /work "$IMAGE"    # a shell in the current directory',
    "```",
    "",
    `\`:${majorTag(ctx.pkg.version)}\` follows the newest ${majorTag(ctx.pkg.version)}.x.y release. \`X.Y.Z\` tags are never overwritten: pin one where a job must get the same bytes every time.`,
    'The image runs as uid 10001 (group 0) and under any other uid, e.g. `--user "$(id -u):0"`.',
    "",
  ];
  if (kube) {
    out.push(
      "### Shell alias",
      "",
      "Your kubeconfig goes in read-only at `/mnt/kube`; the entrypoint links it into `~/.kube`.",
      "",
      "```sh",
      `alias ${ctx.pkg.name}='docker run -it --rm -v ~/.kube:/mnt/kube:ro -v "$PWD":/work -w /work ${ref}'`,
      `${ctx.pkg.name} kubectl config get-contexts`,
      `${ctx.pkg.name}            # interactive shell; prints toolbox-help first`,
      "```",
      "",
    );
  }
  out.push(
    "## In CI",
    "",
    "GitHub Actions (the runner's uid 1001 owns the workspace; any uid works in this image):",
    "",
    "```yaml",
    "jobs:",
    "  tools:",
    "    runs-on: ubuntu-24.04",
    "    container:",
    `      image: ${ref}`,
    "      options: --user 1001:0",
    "    steps:",
    "      - uses: actions/checkout@v4",
    `      - run: ${check}`,
    "```",
    "",
    "GitLab CI (GitLab runs its own shell, so skip the image's entrypoint):",
    "",
    "```yaml",
    "tools:",
    "  image:",
    `    name: ${ref}`,
    '    entrypoint: [""]',
    "  script:",
    `    - ${check}`,
    "```",
  );
  if (kube) out.push("", "In CI, point `KUBECONFIG` at a kubeconfig from your secrets; `/mnt/kube` is for interactive use.");
  return out.join("\n") + "\n";
}
