import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { loadHarnessEnv } from "./harness-env.ts";

/** Another Dagger engine on this machine, as a second CI runner would have its own. */
export interface SecondEngine {
  /** `docker-container://<name>`: what `_EXPERIMENTAL_DAGGER_RUNNER_HOST` says to use it. */
  runnerHost: string;
  name: string;
  stop(): void;
}

interface Inspected {
  Config: { Image: string; Cmd: string[] | null };
  HostConfig: {
    CapAdd: string[] | null;
    CapDrop: string[] | null;
    SecurityOpt: string[] | null;
    DeviceCgroupRules: string[] | null;
    MaskedPaths: string[] | null;
    Privileged: boolean;
    NetworkMode: string;
  };
  Mounts: { Type: string; Source: string; Destination: string; RW: boolean }[];
}

/**
 * Starts a second engine exactly as the harness started its own (same
 * image, capabilities, engine.json and network: its own container on the
 * bridge, as the Dagger CLI starts engines), with its own empty state: a
 * cold cache, like a fresh runner. The state volume is removed on stop.
 */
export function startSecondEngine(): SecondEngine {
  const harness = loadHarnessEnv();
  const engine = harness.HARNESS_ENGINE_CONTAINER;
  if (!engine) throw new Error("the harness env names no engine container: run `npm run harness -- provision`");
  const [spec] = JSON.parse(execFileSync("docker", ["inspect", engine], { encoding: "utf8" })) as Inspected[];
  if (!spec) throw new Error(`the harness engine container ${engine} is not running: run \`npm run harness -- provision\``);
  const name = `${engine}-second-${randomBytes(3).toString("hex")}`;
  const volume = `${name}-state`;
  const args = ["run", "-d", "--name", name, "--network", spec.HostConfig.NetworkMode];
  if (spec.HostConfig.Privileged) args.push("--privileged");
  // Where the host withholds a capability the harness granted all others instead of --privileged (airgap-engine's engine-spec.ts): the same here.
  for (const cap of spec.HostConfig.CapAdd ?? []) args.push("--cap-add", cap);
  for (const cap of spec.HostConfig.CapDrop ?? []) args.push("--cap-drop", cap);
  for (const opt of spec.HostConfig.SecurityOpt ?? []) args.push("--security-opt", opt);
  if (!spec.HostConfig.Privileged && spec.HostConfig.MaskedPaths?.length === 0) args.push("--security-opt", "systempaths=unconfined");
  for (const rule of spec.HostConfig.DeviceCgroupRules ?? []) args.push("--device-cgroup-rule", rule);
  for (const m of spec.Mounts) {
    const source = m.Type === "volume" ? volume : m.Source;
    args.push("-v", `${source}:${m.Destination}${m.RW ? "" : ":ro"}`);
  }
  args.push(spec.Config.Image, ...(spec.Config.Cmd ?? []));
  execFileSync("docker", args, { stdio: "ignore" });
  return {
    name,
    runnerHost: `docker-container://${name}`,
    stop() {
      execFileSync("docker", ["rm", "-f", "-v", name], { stdio: "ignore" });
      execFileSync("docker", ["volume", "rm", "-f", volume], { stdio: "ignore" });
    },
  };
}
