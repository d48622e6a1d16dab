import { Arg, DockerfileParser, Env, type Instruction } from "dockerfile-ast";
import { dockerfileBaseProblem, type MetadataProblem } from "@image-tooling/image-metadata";
import { unverifiedDownload } from "./downloads.ts";

export interface DockerfileCheckInput {
  text: string;
  file: string;
  image: string;
  /** A child inherits its parent's (checked) USER when its final stage sets none. */
  hasParent: boolean;
}

// Names that carry credentials; a build arg or env var with such a name ends
// up in the image config or the build cache, where anyone who pulls reads it.
const SECRET_NAME = /(PASS(WORD|WD)?|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?|AUTH)(_|$)/i;
// Values that look like credentials whatever their name.
const SECRET_VALUE =
  /(AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{20,}|glpat-[A-Za-z0-9_-]{20,}|xox[abpr]-[A-Za-z0-9-]{10,}|-----BEGIN [A-Z ]*PRIVATE KEY-----|npm_[A-Za-z0-9]{30,})/;
const NUMERIC_USER = /^(\d+)(:\d+)?$/;

const lineOf = (i: Instruction): number => i.getRange().start.line + 1;

/**
 * Dockerfile rules beyond the BASE_IMAGE pattern: no `latest`, no download
 * that is not checksum-verified, a numeric non-root final USER, no secret in
 * ARG or ENV.
 */
export function checkDockerfile(input: DockerfileCheckInput): MetadataProblem[] {
  const { file, image } = input;
  const problems: MetadataProblem[] = [];
  const p = (field: string, message: string, hint?: string): void => void problems.push({ file, image, field, message, hint });

  const base = dockerfileBaseProblem(input.text);
  if (base) p("FROM", base, "start the Dockerfile with `ARG BASE_IMAGE` and `FROM ${BASE_IMAGE}`");

  const dockerfile = DockerfileParser.parse(input.text);
  const instructions = dockerfile.getInstructions();
  let stage = -1;
  const lastUserOfStage: (string | undefined)[] = [];

  for (const ins of instructions) {
    const keyword = ins.getKeyword();
    const args = ins.getArgumentsContent() ?? "";
    const at = `line ${lineOf(ins)}`;
    if (keyword === "FROM") stage += 1;

    if (/\blatest\b/i.test(args)) p(at, `${keyword} uses "latest": ${args.slice(0, 120)}`, "pin an exact version (and a sha256 for downloads)");

    if (keyword === "RUN") {
      const why = unverifiedDownload(args);
      if (why) p(at, `RUN ${why}`, "download in fetch-tools from tools.lock.json (sha256 per TARGETARCH), or check with sha256sum -c in the same RUN");
    }
    if (keyword === "ADD") {
      const remote = ins.getArguments().some((a) => /^(https?|git|ftp):\/\/|^git@/.test(a.getValue()));
      if (remote && !/--checksum=sha256:[a-f0-9]{64}/.test(ins.getTextContent()))
        p(at, "ADD fetches a URL without --checksum=sha256:<hex>", "use fetch-tools and tools.lock.json");
      if (remote && /^http:\/\//m.test(args.replace(/\s+/g, "\n"))) p(at, "ADD fetches over plain http", "use https");
    }
    if (keyword === "USER") {
      const user = args.trim();
      if (!NUMERIC_USER.test(user)) p(at, `USER ${user} is not numeric`, "use a numeric uid[:gid] so runtimes can verify it is not root (runAsNonRoot)");
      lastUserOfStage[stage] = user;
    }
    if (ins instanceof Arg || ins instanceof Env) {
      const props = ins instanceof Arg ? [ins.getProperty()].filter((x) => x !== null) : ins.getProperties();
      for (const prop of props) {
        const name = prop.getName();
        const value = prop.getValue() ?? "";
        if (SECRET_NAME.test(name))
          p(
            at,
            `${keyword} ${name} looks like a secret: build args and env vars are readable by anyone who pulls the image`,
            "pass secrets at run time, or with RUN --mount=type=secret at build time",
          );
        else if (SECRET_VALUE.test(value)) p(at, `${keyword} ${name} has a value that looks like a credential`, "never bake credentials into an image");
      }
    }
  }

  const finalUser = lastUserOfStage[stage];
  if (finalUser === undefined) {
    if (!input.hasParent) p("USER", "the final stage sets no USER: the image would run as root", "add `USER <uid>:0` with a non-zero numeric uid");
  } else {
    const m = NUMERIC_USER.exec(finalUser);
    if (m && Number(m[1]) === 0)
      p("USER", `the final stage runs as root (USER ${finalUser})`, "end the final stage with a non-zero numeric USER, e.g. USER 10001:0");
  }
  return problems;
}
