import { parseArgs } from "node:util";
import { DEFAULT_STATE_DIR } from "@image-tooling/harness-env";
import { DEFAULT_CACHE_DIR } from "./config.ts";

export type Command = { kind: "help"; topic?: CommandName } | { kind: "provision" } | { kind: "status"; json: boolean } | { kind: "teardown"; purge: boolean };

export type CommandName = "provision" | "status" | "teardown";
const COMMANDS: readonly CommandName[] = ["provision", "status", "teardown"];

export class UsageError extends Error {
  override name = "UsageError";
}

const OPTIONS = {
  help: { type: "boolean", short: "h" },
  json: { type: "boolean" },
  purge: { type: "boolean" },
} as const;

const ALLOWED: Record<CommandName, ReadonlyArray<keyof typeof OPTIONS>> = {
  provision: ["help"],
  status: ["help", "json"],
  teardown: ["help", "purge"],
};

export function parseCli(argv: readonly string[]): Command {
  const parse = () => parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse();
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  const [name, ...rest] = positionals;
  if (name === undefined || name === "help") {
    const topic = rest[0];
    if (topic !== undefined && !COMMANDS.includes(topic as CommandName)) throw new UsageError(`unknown command "${topic}"`);
    return { kind: "help", topic: topic as CommandName | undefined };
  }
  if (!COMMANDS.includes(name as CommandName)) throw new UsageError(`unknown command "${name}"`);
  const command = name as CommandName;
  if (rest.length > 0) throw new UsageError(`${command} takes no arguments, got "${rest.join(" ")}"`);
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined && !ALLOWED[command].includes(key as keyof typeof OPTIONS)) {
      throw new UsageError(`--${key} is not an option of ${command}`);
    }
  }
  if (values.help) return { kind: "help", topic: command };
  switch (command) {
    case "provision":
      return { kind: "provision" };
    case "status":
      return { kind: "status", json: values.json === true };
    case "teardown":
      return { kind: "teardown", purge: values.purge === true };
  }
}

const ENV_HELP = `Environment:
  IMAGE_TOOLING_CACHE_DIR    caches keyed by version (default ${DEFAULT_CACHE_DIR}):
                             Go modules/build cache, Dagger binaries, rootfs, image layers
  IMAGE_TOOLING_STATE_DIR    running state (default ${DEFAULT_STATE_DIR}):
                             env file, registry storage, logs, engine.json
  IMAGE_TOOLING_DEBIAN_MIRROR            Debian mirror (default http://deb.debian.org/debian)
  IMAGE_TOOLING_DEBIAN_SECURITY_MIRROR   (default http://deb.debian.org/debian-security)
  IMAGE_TOOLING_GOPROXY      Go module proxy (default https://proxy.golang.org; never "direct")
  HARNESS_PROGRESS_SECONDS   interval of "still …" lines during long steps (default 30)`;

const HELP: Record<"main" | CommandName, string> = {
  main: `Usage: npm run harness -- <command> [options]

Air-gapped Dagger harness: a real Dagger engine, a local OCI registry and
multi-arch Debian base images on a machine that reaches only the npm
registry, Debian's archive and the Go module proxy.

Commands:
  provision   install packages, start dockerd + registry, build and start the
              Dagger engine at the SDK's version, seed base images, write the
              env file (idempotent; a warm run rebuilds nothing)
  status      what runs, versions, what the registry holds
  teardown    stop what provision started (caches kept; --purge removes them)

Options:
  -h, --help  help for a command (e.g. \`npm run harness -- provision --help\`)

After provision, load the env file in a shell or test:
  . ${DEFAULT_STATE_DIR}/env

${ENV_HELP}
`,
  provision: `Usage: npm run harness -- provision

Runs as root. (Not as root, it only checks an existing harness and exits 0
when nothing needs doing.) Steps (each prints its duration; a table closes the run):
  preflight         root, apt, free disk, Go module proxy (only when building)
  packages          apt-get install docker.io docker-registry qemu-user-static
                    binfmt-support debootstrap skopeo shellcheck apache2-utils …
  binfmt            mount binfmt_misc, enable qemu-aarch64 (F flag), run an arm64 program
  dockerd           reuse a running Docker daemon or start one (log in the state dir)
  registry          Debian's docker-registry on 127.0.0.1:5000, storage in the state dir
  dagger-binaries   go build dagger, dagger-engine, dagger-init, dial-stdio, dnsname
                    from github.com/dagger/dagger@<SDK version> (go1.26.5)
  engine-rootfs     debootstrap the engine's Debian rootfs (runc, CNI plugins, tini, …)
  debian-<arch>     debootstrap + upgrade + slim a Debian base layer for amd64 and arm64
  registry-layer-*  Debian's docker-registry package as a registry:2 layer
  engine-image      docker import of rootfs + binaries
  engine            start the engine container (host network, docker.io mirror)
  seed              push debian:bookworm-slim (+12-slim) and registry:2 indexes
  env-file          write <state>/env
  verify            connect with the SDK, run uname -m on amd64 and arm64

Everything expensive is cached under IMAGE_TOOLING_CACHE_DIR keyed by version.

${ENV_HELP}
`,
  status: `Usage: npm run harness -- status [--json]

Shows dockerd, the registry (repositories, tags, digests), the engine
container and its version, arm64 emulation, the env file and cache sizes.
Exits 0 even when parts are down; --json prints the same as JSON on stdout.
`,
  teardown: `Usage: npm run harness -- teardown [--purge]

Removes the engine container, stops the registry and, if provision started
it, dockerd; deletes the env file so tests fail loudly until the next
provision. Caches, registry storage and the engine's state volume stay.

  --purge   also delete the engine volume and images, the state dir
            (registry storage, logs) and the cache dir (Go modules, builds)
`,
};

export function helpText(topic?: CommandName): string {
  return HELP[topic ?? "main"];
}
