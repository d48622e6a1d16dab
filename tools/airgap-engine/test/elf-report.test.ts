import { describe, expect, it } from "vitest";
import { aarch64ExitProgram, parseBinfmtEntry } from "../src/elf.ts";
import { renderTimingTable } from "../src/report.ts";

describe("aarch64ExitProgram", () => {
  it("is a static ELF64 little-endian aarch64 executable", () => {
    const elf = aarch64ExitProgram(42);
    expect(elf.subarray(0, 4)).toEqual(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
    expect(elf[4]).toBe(2); // 64-bit
    expect(elf.readUInt16LE(16)).toBe(2); // ET_EXEC
    expect(elf.readUInt16LE(18)).toBe(0xb7); // EM_AARCH64
    expect(elf.length).toBe(132);
    expect(elf.readUInt32LE(120)).toBe((0xd2800000 | (42 << 5)) >>> 0); // mov x0, #42
  });

  it("matches the magic Debian's qemu-aarch64 binfmt entry registers", () => {
    const magic = Buffer.from("7f454c460201010000000000000000000200b700", "hex");
    const mask = Buffer.from("ffffffffffffff00fffffffffffffffffeffffff", "hex");
    const elf = aarch64ExitProgram(0);
    for (let i = 0; i < magic.length; i++) expect(elf[i]! & mask[i]!).toBe(magic[i]! & mask[i]!);
  });

  it("rejects exit codes a process cannot return", () => {
    expect(() => aarch64ExitProgram(256)).toThrow();
  });
});

describe("parseBinfmtEntry", () => {
  it("reads enabled state, interpreter and flags", () => {
    const e = parseBinfmtEntry("enabled\ninterpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P\nflags: PF\noffset 0\nmagic 7f45\nmask ff\n");
    expect(e).toEqual({ enabled: true, interpreter: "/usr/libexec/qemu-binfmt/aarch64-binfmt-P", flags: "PF" });
    expect(parseBinfmtEntry("disabled\nflags: \n").enabled).toBe(false);
  });
});

describe("timing report", () => {
  it("renders one row per step and a wall-clock total", () => {
    const table = renderTimingTable(
      [
        { step: "packages", outcome: "cached", ms: 20 },
        { step: "dagger-binaries", outcome: "done", ms: 490_000, detail: "go1.26.5" },
      ],
      500_000,
    );
    const lines = table.split("\n");
    expect(lines[0]).toMatch(/^step\s+result\s+time\s+detail$/);
    expect(lines.find((l) => l.startsWith("dagger-binaries"))).toMatch(/done\s+8m10s\s+go1\.26\.5$/);
    expect(lines.at(-1)).toMatch(/^total \(wall clock\)\s+ok\s+8m20s$/);
    expect(
      renderTimingTable([{ step: "x", outcome: "failed", ms: 1 }], 1)
        .split("\n")
        .at(-1),
    ).toMatch(/failed/);
  });
});
