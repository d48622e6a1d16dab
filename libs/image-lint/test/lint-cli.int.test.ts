import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runLintCli } from "../src/lint-cli.ts";
import { GRAPH, WORKSPACE } from "./helpers.ts";

/** Runs the CLI's logic and keeps what it prints. */
async function lint(argv: string[], root = WORKSPACE): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runLintCli(argv, root, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

// The `lint` target of every image: real files, real shellcheck.
describe("tsx libs/image-lint/src/cli.ts <image>", () => {
  let copy: string | undefined;
  afterEach(() => copy && rmSync(copy, { recursive: true, force: true }));
  const copyPackages = (): string => {
    copy = mkdtempSync(join(tmpdir(), "image-lint-cli-"));
    cpSync(join(WORKSPACE, "packages"), join(copy, "packages"), { recursive: true });
    return copy;
  };

  it("a committed image is clean: exit 0, one line saying what was checked (as Nx runs it, in a process)", () => {
    const image = GRAPH.order[0]!;
    const r = spawnSync(process.execPath, [join(WORKSPACE, "node_modules/tsx/dist/cli.mjs"), "libs/image-lint/src/cli.ts", image], {
      cwd: WORKSPACE,
      encoding: "utf8",
    });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(`^✔ ${image}: image.yaml, package.json, Dockerfile, smoke.yaml \\(\\d+ checks\\), tools lock and scripts are clean\\n$`),
    );
  });

  it("a problem: exit 1, each problem naming its file and image", async () => {
    const root = copyPackages();
    const image = GRAPH.order[0]!;
    const dockerfile = join(root, "packages", image, "Dockerfile");
    writeFileSync(dockerfile, `${readFileSync(dockerfile, "utf8")}\nRUN curl -fsSL https://example.com/tool -o /usr/local/bin/tool\n`);
    const r = await lint([image], root);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`✘ packages/${image}/Dockerfile, image "${image}"`);
    expect(r.out).toMatch(new RegExp(`${image}: \\d+ problem\\(s\\)$`));
  });

  it("a broken image.yaml anywhere in the graph: exit 1, the file, image and field, no stack", async () => {
    const root = copyPackages();
    const image = GRAPH.order.at(-1)!;
    const meta = join(root, "packages", image, "image.yaml");
    writeFileSync(meta, readFileSync(meta, "utf8").replace(/^platforms: .*$/m, "platforms: [linux/s390x]"));
    const r = await lint([GRAPH.order[0]!], root);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`packages/${image}/image.yaml, image "${image}", field "platforms`);
    expect(r.out).not.toMatch(/\n\s+at /);
  });

  it("usage: an unknown image names the images; no image or two images print the usage (exit 2)", async () => {
    const unknown = await lint(["no-such-image"]);
    expect(unknown).toMatchObject({ code: 2, out: "" });
    expect(unknown.err).toBe(`unknown image "no-such-image": the images are ${GRAPH.order.join(", ")}`);
    for (const argv of [[], ["a", "b"], ["--verbose"]]) {
      const r = await lint(argv);
      expect(r.code).toBe(2);
      expect(r.err).toContain("Usage: tsx libs/image-lint/src/cli.ts <image>");
    }
    expect(await lint(["--help"])).toMatchObject({ code: 0, out: expect.stringContaining("Usage: tsx libs/image-lint/src/cli.ts <image>") });
  });
});
