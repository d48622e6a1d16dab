import { describe, expect, it } from "vitest";
import { ENGINE_IMAGE_BINARIES, ENGINE_IMAGE_SYMLINKS, engineRunArgs, missingCapabilities } from "../src/engine-spec.ts";

const spec = { name: "eng", image: "img:1", volume: "vol", engineJson: "/state/engine.json", network: "bridge", tcpPort: 1234, labels: { b: "2", a: "1" } };

describe("missingCapabilities", () => {
  it("finds nothing missing on a normal host", () => {
    expect(missingCapabilities("000001ffffffffff", 40)).toEqual([]);
  });

  it("names what a sandbox withholds (CAP_SYS_RESOURCE is bit 24)", () => {
    expect(missingCapabilities("000001fffeffffff", 40)).toEqual(["SYS_RESOURCE"]);
    expect(missingCapabilities("0000003ffeffffff", 37)).toEqual(["SYS_RESOURCE"]);
  });
});

describe("engineRunArgs", () => {
  it("runs privileged in its own network (never the host's), with a state volume and engine.json, where the host allows it", () => {
    const args = engineRunArgs({ ...spec, missingCaps: [] });
    expect(args.slice(0, 8)).toEqual(["run", "--detach", "--name", "eng", "--restart", "unless-stopped", "--network", "bridge"]);
    expect(args.join(" ")).not.toMatch(/--network[ =]host|--net[ =]host/);
    expect(args).toContain("--privileged");
    expect(args.join(" ")).toContain("--log-opt max-size=50m --log-opt max-file=2");
    expect(args.join(" ")).toContain("--volume vol:/var/lib/dagger --volume /state/engine.json:/etc/dagger/engine.json:ro img:1");
    expect(args.join(" ")).toContain("--label a=1 --label b=2");
    // After the image: the engine's own flags, a tcp listener as a remote engine has (not published on the host).
    expect(args.slice(-3)).toEqual(["img:1", "--addr", "tcp://0.0.0.0:1234"]);
    expect(args).not.toContain("--publish");
  });

  it("grants every capability the host has, and privileged's other freedoms, where it withholds some", () => {
    const args = engineRunArgs({ ...spec, missingCaps: ["SYS_RESOURCE"] });
    expect(args).not.toContain("--privileged");
    const joined = args.join(" ");
    expect(joined).toContain("--cap-add ALL --cap-drop SYS_RESOURCE");
    expect(joined).toContain("--security-opt seccomp=unconfined");
    expect(joined).toContain("--security-opt systempaths=unconfined");
    expect(joined).toContain("--volume /sys/fs/cgroup:/sys/fs/cgroup:rw");
  });
});

describe("engine image layout", () => {
  it("puts runc, dagger-init and the CNI plugins where the engine hard-codes them", () => {
    expect(ENGINE_IMAGE_SYMLINKS["usr/local/bin/runc"]).toBe("/usr/sbin/runc");
    expect(ENGINE_IMAGE_BINARIES["dagger-init"]).toBe("usr/local/bin/dagger-init");
    expect(ENGINE_IMAGE_BINARIES.dnsname).toBe("opt/cni/bin/dnsname");
    for (const p of ["bridge", "loopback", "firewall", "host-local"]) expect(ENGINE_IMAGE_SYMLINKS[`opt/cni/bin/${p}`]).toBe(`/usr/lib/cni/${p}`);
    expect(ENGINE_IMAGE_SYMLINKS["usr/bin/buildctl"]).toBe("dial-stdio");
  });
});
