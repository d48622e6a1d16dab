/**
 * What our image plugin costs every Nx command, next to Nx alone: `nx show
 * projects` (NX_DAEMON=false, as on CI) in one workspace with our plugin and
 * with `plugins: []`, each with plugin isolation on and off, interleaved so
 * machine load hits every configuration alike. "cold" removes .nx first (a
 * fresh CI checkout), "warm" keeps it (a second command).
 */
import { performance } from "node:perf_hooks";
import { rmSync } from "node:fs";
import { join } from "node:path";
import type { TempWorkspace } from "@image-tooling/test-support/temp-workspace";
import { median } from "./stats.ts";

export interface GraphConfig {
  plugins: "ours" | "none";
  isolate: boolean;
}

export const GRAPH_CONFIGS: GraphConfig[] = [
  { plugins: "ours", isolate: true },
  { plugins: "ours", isolate: false },
  { plugins: "none", isolate: true },
  { plugins: "none", isolate: false },
];

export const configLabel = (c: GraphConfig): string =>
  `${c.plugins === "ours" ? "our image plugin" : "plugins: [] (Nx alone)"}, isolation ${c.isolate ? "on" : "off"}`;

export type GraphSamples = Map<GraphConfig, { cold: number[]; warm: number[] }>;

/** Runs `nx show projects` `runs` times per configuration and temperature; `probe` is an image project only our plugin infers. */
export function graphPluginTimes(ws: TempWorkspace, runs: number, probe: string): GraphSamples {
  const original = ws.read("nx.json");
  const nxJson = JSON.parse(original) as { plugins?: unknown[] };
  const ours = nxJson.plugins ?? [];
  const samples: GraphSamples = new Map(GRAPH_CONFIGS.map((c) => [c, { cold: [], warm: [] }]));
  const nx = (c: GraphConfig, ...args: string[]) => {
    const r = ws.run(process.execPath, [join(ws.root, "node_modules/nx/dist/bin/nx.js"), "show", "projects", ...args], {
      NX_ISOLATE_PLUGINS: String(c.isolate),
    });
    if (r.status !== 0) throw new Error(`nx show projects (${configLabel(c)}) failed:\n${r.output}`);
    return r.output;
  };
  const once = (c: GraphConfig): number => {
    const t0 = performance.now();
    nx(c);
    return performance.now() - t0;
  };
  for (let i = 0; i < runs; i++) {
    for (const c of GRAPH_CONFIGS) {
      ws.write("nx.json", JSON.stringify({ ...nxJson, plugins: c.plugins === "ours" ? ours : [] }, null, 2));
      rmSync(join(ws.root, ".nx"), { recursive: true, force: true });
      samples.get(c)!.cold.push(once(c));
      samples.get(c)!.warm.push(once(c));
      // Only our plugin gives images a publish target: a plugin that silently failed to load would look fast.
      if (i === 0 && (c.plugins === "ours") !== nx(c, "--with-target", "publish").split("\n").includes(probe)) {
        throw new Error(`${configLabel(c)}: ${probe} ${c.plugins === "ours" ? "has no" : "has a"} publish target`);
      }
    }
  }
  // Byte for byte: a reformatted nx.json would be a change that affects every project.
  ws.write("nx.json", original);
  return samples;
}

/** The figure the target is set on: ours ÷ Nx alone, warm medians, with the isolation setting we ship. */
export function pluginRatio(samples: GraphSamples, isolate: boolean, temperature: "cold" | "warm"): number {
  const pick = (plugins: GraphConfig["plugins"]) => median([...samples].find(([c]) => c.plugins === plugins && c.isolate === isolate)![1][temperature]);
  return pick("ours") / pick("none");
}

/**
 * With the daemon (a laptop's default): `nx show projects` right after an
 * edit of one image.yaml, the daemon already running. Stops the daemon after.
 */
export function daemonEditTimes(ws: TempWorkspace, runs: number, image: string): number[] {
  const env = { NX_DAEMON: "true" };
  const nx = (...args: string[]) => {
    const r = ws.run(process.execPath, [join(ws.root, "node_modules/nx/dist/bin/nx.js"), ...args], env);
    if (r.status !== 0) throw new Error(`nx ${args.join(" ")} (daemon) failed:\n${r.output}`);
  };
  const file = `packages/${image}/image.yaml`;
  const original = ws.read(file);
  const samples: number[] = [];
  try {
    nx("show", "projects"); // starts the daemon
    for (let i = 0; i < runs; i++) {
      ws.write(file, `${original}# edit ${i}\n`);
      const t0 = performance.now();
      nx("show", "projects");
      samples.push(performance.now() - t0);
    }
  } finally {
    ws.write(file, original);
    ws.run(process.execPath, [join(ws.root, "node_modules/nx/dist/bin/nx.js"), "daemon", "--stop"], env);
  }
  return samples;
}
