import { spawn } from "node:child_process";
import { compiledEntry } from "@image-tooling/compile";
import type { TempWorkspace } from "./temp-workspace.ts";
import { testKeyPair, type TestKeyPair } from "./cosign-keys.ts";

let keys: Promise<TestKeyPair> | undefined;
/** One cosign key pair per test process: publish signs and rescan counts only what that key signed, so both get it unless their env says otherwise. */
export const pipelineTestKeys = (): Promise<TestKeyPair> => (keys ??= testKeyPair());

export interface PipelineRun {
  status: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr together, for "appears in no output" assertions. */
  all: string;
}

/** Runs the pipeline CLI in a workspace, as the Nx targets do, and captures everything it prints. */
export async function runPipeline(ws: TempWorkspace, args: string[], env: Record<string, string | undefined>): Promise<PipelineRun> {
  const signing = ["publish", "merge", "rescan"].includes(args[0]!) ? (await pipelineTestKeys()).env : {};
  return new Promise((resolve, reject) => {
    // The workspace's compiled CLI in a process of its own, as it is run by hand; the executor runs the same
    // compiled `runArgv` inside Nx's worker instead (tools/nx-image-plugin/README.md), which nx-batch.e2e covers.
    const child = spawn(process.execPath, [compiledEntry(ws.root, "pipeline-cli"), ...args], {
      cwd: ws.root,
      env: { ...process.env, NX_DAEMON: "false", FORCE_COLOR: "0", IMAGE_PIPELINE_HEARTBEAT_MS: "60000", ...signing, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ status: code ?? 1, stdout, stderr, all: `${stdout}\n${stderr}` }));
  });
}
