/**
 * A 132-byte static linux/arm64 program that exits with `code`. Running it on
 * an amd64 host proves the kernel hands arm64 binaries to qemu, without
 * needing an arm64 rootfs first.
 */
export function aarch64ExitProgram(code: number): Buffer {
  if (!Number.isInteger(code) || code < 0 || code > 255) throw new Error("exit code must be 0..255");
  const base = 0x400000n;
  const ehsize = 64;
  const phsize = 56;
  const text = [
    0xd2800000 | (code << 5), // mov x0, #code
    0xd2800ba8, // mov x8, #93 (exit)
    0xd4000001, // svc #0
  ];
  const size = ehsize + phsize + text.length * 4;
  const buf = Buffer.alloc(size);
  buf.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0], 0); // ELF, 64-bit, little endian, SysV
  buf.writeUInt16LE(2, 16); // ET_EXEC
  buf.writeUInt16LE(0xb7, 18); // EM_AARCH64
  buf.writeUInt32LE(1, 20);
  buf.writeBigUInt64LE(base + BigInt(ehsize + phsize), 24); // entry
  buf.writeBigUInt64LE(BigInt(ehsize), 32); // program headers follow the ELF header
  buf.writeUInt16LE(ehsize, 52);
  buf.writeUInt16LE(phsize, 54);
  buf.writeUInt16LE(1, 56);
  const ph = ehsize;
  buf.writeUInt32LE(1, ph); // PT_LOAD
  buf.writeUInt32LE(5, ph + 4); // R+X
  buf.writeBigUInt64LE(0n, ph + 8);
  buf.writeBigUInt64LE(base, ph + 16);
  buf.writeBigUInt64LE(base, ph + 24);
  buf.writeBigUInt64LE(BigInt(size), ph + 32);
  buf.writeBigUInt64LE(BigInt(size), ph + 40);
  buf.writeBigUInt64LE(0x1000n, ph + 48);
  text.forEach((insn, i) => {
    buf.writeUInt32LE(insn >>> 0, ehsize + phsize + i * 4);
  });
  return buf;
}

/** Parses /proc/sys/fs/binfmt_misc/<name>. */
export function parseBinfmtEntry(text: string): { enabled: boolean; interpreter?: string; flags: string } {
  const lines = text.split("\n").map((l) => l.trim());
  return {
    enabled: lines[0] === "enabled",
    interpreter: lines.find((l) => l.startsWith("interpreter "))?.slice("interpreter ".length),
    flags:
      lines
        .find((l) => l.startsWith("flags:"))
        ?.slice("flags:".length)
        .trim() ?? "",
  };
}
