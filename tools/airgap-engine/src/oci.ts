import type { Platform } from "@image-tooling/oci-registry";

/** Debian architecture name → OCI platform (arm64 is always v8 for Debian's arm64). */
export function platformFor(debArch: string): Platform {
  switch (debArch) {
    case "amd64":
      return { os: "linux", architecture: "amd64" };
    case "arm64":
      return { os: "linux", architecture: "arm64", variant: "v8" };
    default:
      throw new Error(`unsupported Debian architecture ${debArch}`);
  }
}
