import { existsSync, rmSync } from "node:fs";
import type { HarnessConfig } from "./config.ts";
import { capture, say, waitFor } from "./exec.ts";
import { stopEngine } from "./steps/engine.ts";
import { dockerReady, pidAlive, readPid, requireRoot } from "./steps/host.ts";
import { stopForwarder } from "./steps/bridge.ts";
import { stopRegistry } from "./steps/registry.ts";

/** Stops what provision started; with purge, deletes caches and state as well. */
export async function teardown(cfg: HarnessConfig, opts: { purge: boolean }): Promise<void> {
  requireRoot();
  // First, so tests fail with "run provision" instead of hanging on a dead engine.
  rmSync(cfg.envFile, { force: true });
  say(`env file: removed ${cfg.envFile}`);
  const dockerUp = await dockerReady();
  if (dockerUp) {
    say(await stopEngine(cfg));
    if (opts.purge) {
      await capture("docker", ["volume", "rm", "--force", cfg.engine.volumeName], { allowFail: true });
      say(`engine: removed volume ${cfg.engine.volumeName}`);
      const images = (await capture("docker", ["image", "ls", "--format", "{{.Repository}}:{{.Tag}}", cfg.engine.imageRepo], { allowFail: true })).stdout
        .split("\n")
        .filter(Boolean);
      for (const image of images) await capture("docker", ["image", "rm", image], { allowFail: true });
      if (images.length) say(`engine: removed images ${images.join(", ")}`);
    }
  }
  say(await stopForwarder(cfg));
  say(await stopRegistry(cfg));

  const pid = readPid(cfg.dockerd.pidFile);
  if (pid && pidAlive(pid) && existsSync(cfg.dockerd.startedMarker)) {
    process.kill(pid, "SIGTERM");
    const stopped = await waitFor(async () => !pidAlive(pid), 30_000);
    say(stopped ? `dockerd: stopped pid ${pid}` : `dockerd: pid ${pid} still running after 30 s (left alone)`);
  } else {
    say(dockerUp ? "dockerd: not started by the harness, left running" : "dockerd: not running");
  }
  rmSync(cfg.dockerd.startedMarker, { force: true });

  if (opts.purge) {
    rmSync(cfg.stateDir, { recursive: true, force: true });
    say(`state: removed ${cfg.stateDir}`);
    rmSync(cfg.cacheDir, { recursive: true, force: true });
    say(`cache: removed ${cfg.cacheDir}`);
  } else {
    say(`kept: cache ${cfg.cacheDir}, registry storage ${cfg.registry.storageDir}, engine volume ${cfg.engine.volumeName} (--purge removes them)`);
  }
}
