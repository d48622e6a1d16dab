import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TempWorkspace } from "@image-tooling/test-support/temp-workspace";

// The image plugin as Nx loads it (compiled, in Nx's own process), across
// real nx commands: parsed packages are kept for the next command, an edit is
// never served stale, and with the daemon an edit shows at once.
describe("the image plugin's graph across nx commands", () => {
  let ws: TempWorkspace;
  const store = () => join(ws.root, ".nx", "workspace-data", "image-plugin-packages.json");
  /**
   * Whether smoke.yaml is an input of the smoke target: it is while image.yaml
   * names it as the smoke spec (`.dockerignore` keeps it out of the image's
   * own inputs), and not once image.yaml names another file.
   */
  const smokeYamlIsSmokeInput = (env: Record<string, string> = {}) => {
    const r = ws.run(process.execPath, [join(ws.root, "node_modules/nx/dist/bin/nx.js"), "show", "project", "tooling-k8s", "--json"], env);
    expect(r.status, r.output).toBe(0);
    const inputs = (JSON.parse(r.output.slice(r.output.indexOf("{"))) as { namedInputs: { smoke: string[] } }).namedInputs.smoke;
    return !inputs.includes("!{projectRoot}/smoke.yaml");
  };
  /** Points image.yaml's `smoke:` at `file` (a copy of the spec). */
  const smokeSpec = (file: string) => {
    if (file !== "smoke.yaml") ws.write(`packages/tooling-k8s/${file}`, ws.read("packages/tooling-k8s/smoke.yaml"));
    ws.write("packages/tooling-k8s/image.yaml", ws.read("packages/tooling-k8s/image.yaml").replace(/^smoke: .*$/m, `smoke: ${file}`));
  };

  beforeAll(() => {
    ws = TempWorkspace.create();
  });
  afterAll(() => {
    ws?.run(process.execPath, [join(ws.root, "node_modules/nx/dist/bin/nx.js"), "daemon", "--stop"], { NX_DAEMON: "true" });
    ws?.dispose();
  });

  it("runs in Nx's process (isolation off in .env) and keeps every parsed image package in .nx/workspace-data", () => {
    expect(ws.read(".env")).toMatch(/^NX_ISOLATE_PLUGINS=false$/m);
    expect(smokeYamlIsSmokeInput()).toBe(true);
    expect(existsSync(store())).toBe(true);
    const entries = Object.keys((JSON.parse(readFileSync(store(), "utf8")) as { entries: Record<string, unknown> }).entries).sort();
    expect(entries).toEqual([
      "packages/buildx",
      "packages/pandoc",
      "packages/toolbox-base",
      "packages/tooling-k8s",
      "packages/tooling-k8s-aws",
      "packages/tooling-k8s-openstack",
    ]);
  });

  it("an edited image.yaml is read again by the next command, never served from the store", () => {
    smokeSpec("smoke-edited.yaml");
    expect(smokeYamlIsSmokeInput()).toBe(false);
  });

  it("with the daemon, the command after an edit shows it", () => {
    const daemon = { NX_DAEMON: "true" };
    expect(smokeYamlIsSmokeInput(daemon)).toBe(false);
    smokeSpec("smoke.yaml");
    expect(smokeYamlIsSmokeInput(daemon)).toBe(true);
    // It was the daemon that answered (CI=true would otherwise keep it off).
    const status = ws.run(process.execPath, [join(ws.root, "node_modules/nx/dist/bin/nx.js"), "daemon"], daemon);
    expect(status.output).toContain("Nx Daemon is currently running");
  });
});
