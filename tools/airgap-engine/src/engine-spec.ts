/**
 * Pure description of the engine image's extra files and of the
 * `docker run` that starts the engine.
 */

/** Capabilities by number, as in linux/capability.h (0..40). */
export const CAPABILITIES = [
  "CHOWN",
  "DAC_OVERRIDE",
  "DAC_READ_SEARCH",
  "FOWNER",
  "FSETID",
  "KILL",
  "SETGID",
  "SETUID",
  "SETPCAP",
  "LINUX_IMMUTABLE",
  "NET_BIND_SERVICE",
  "NET_BROADCAST",
  "NET_ADMIN",
  "NET_RAW",
  "IPC_LOCK",
  "IPC_OWNER",
  "SYS_MODULE",
  "SYS_RAWIO",
  "SYS_CHROOT",
  "SYS_PTRACE",
  "SYS_PACCT",
  "SYS_ADMIN",
  "SYS_BOOT",
  "SYS_NICE",
  "SYS_RESOURCE",
  "SYS_TIME",
  "SYS_TTY_CONFIG",
  "MKNOD",
  "LEASE",
  "AUDIT_WRITE",
  "AUDIT_CONTROL",
  "SETFCAP",
  "MAC_OVERRIDE",
  "MAC_ADMIN",
  "SYSLOG",
  "WAKE_ALARM",
  "BLOCK_SUSPEND",
  "AUDIT_READ",
  "PERFMON",
  "BPF",
  "CHECKPOINT_RESTORE",
] as const;

/** Capabilities missing from a CapBnd mask (from /proc/self/status), up to cap_last_cap. */
export function missingCapabilities(capBndHex: string, lastCap: number): string[] {
  const mask = BigInt(`0x${capBndHex}`);
  const missing: string[] = [];
  for (let i = 0; i <= lastCap && i < CAPABILITIES.length; i++) {
    if (((mask >> BigInt(i)) & 1n) === 0n) missing.push(CAPABILITIES[i]!);
  }
  return missing;
}

export interface EngineRunSpec {
  name: string;
  image: string;
  volume: string;
  engineJson: string;
  /** Docker network to join: the default bridge, like the Dagger CLI's engine; never the host's. */
  network: string;
  /**
   * Also listen on tcp://0.0.0.0:<port> inside the engine's network, as the
   * CLI's driver does when given a port, so clients can reach it the way they
   * reach a remote engine (_EXPERIMENTAL_DAGGER_RUNNER_HOST=tcp://…). Not
   * published on the host: only this machine's bridge reaches it.
   */
  tcpPort: number;
  /** Capabilities this machine withholds even from root (empty on a normal host). */
  missingCaps: readonly string[];
  labels: Record<string, string>;
}

/**
 * `docker run` arguments, as the Dagger CLI's container driver starts its
 * engine (dagger/dagger engine/client/drivers/container.go): privileged, a
 * state volume, its own network. `--privileged` is what upstream uses, but Docker
 * then requests every capability and runc fails ("unable to apply caps")
 * where the host's bounding set lacks one (some sandboxed VMs drop
 * CAP_SYS_RESOURCE). There we grant all the others and lift the same
 * confinement --privileged lifts, which is all the engine needs.
 */
export function engineRunArgs(spec: EngineRunSpec): string[] {
  const args = ["run", "--detach", "--name", spec.name, "--restart", "unless-stopped", "--network", spec.network];
  // The engine logs every exec at info level; keep `docker logs` bounded.
  args.push("--log-opt", "max-size=50m", "--log-opt", "max-file=2");
  if (spec.missingCaps.length === 0) {
    args.push("--privileged");
  } else {
    args.push("--cap-add", "ALL");
    for (const cap of spec.missingCaps) args.push("--cap-drop", cap);
    args.push(
      "--security-opt",
      "seccomp=unconfined",
      "--security-opt",
      "apparmor=unconfined",
      "--security-opt",
      "systempaths=unconfined",
      "--device-cgroup-rule",
      "a *:* rwm",
      // Nested runc must create cgroups; Docker mounts cgroupfs read-only unless privileged.
      "--volume",
      "/sys/fs/cgroup:/sys/fs/cgroup:rw",
    );
  }
  for (const [k, v] of Object.entries(spec.labels).sort()) args.push("--label", `${k}=${v}`);
  args.push(
    "--volume",
    `${spec.volume}:/var/lib/dagger`,
    "--volume",
    `${spec.engineJson}:/etc/dagger/engine.json:ro`,
    spec.image,
    // Engine flags; the unix socket the docker-container:// driver dials stays.
    "--addr",
    `tcp://0.0.0.0:${spec.tcpPort}`,
  );
  return args;
}

/**
 * Links and small files layered over the Debian rootfs so it looks like
 * upstream's engine image at the paths the engine hard-codes. Values are
 * symlink targets; binaries are copied separately.
 */
export const ENGINE_IMAGE_SYMLINKS: Readonly<Record<string, string>> = {
  "usr/local/bin/runc": "/usr/sbin/runc",
  "usr/local/bin/tini": "/usr/bin/tini",
  "usr/bin/buildctl": "dial-stdio",
  // The engine points /usr/bin/iptables* at these; Debian ships them in /usr/sbin.
  "usr/bin/xtables-legacy-multi": "/usr/sbin/xtables-legacy-multi",
  "usr/bin/xtables-nft-multi": "/usr/sbin/xtables-nft-multi",
  "opt/cni/bin/bridge": "/usr/lib/cni/bridge",
  "opt/cni/bin/loopback": "/usr/lib/cni/loopback",
  "opt/cni/bin/firewall": "/usr/lib/cni/firewall",
  "opt/cni/bin/host-local": "/usr/lib/cni/host-local",
};

export const ENGINE_IMAGE_BINARIES: Readonly<Record<string, string>> = {
  "dagger-engine": "usr/local/bin/dagger-engine",
  dagger: "usr/local/bin/dagger",
  "dagger-init": "usr/local/bin/dagger-init",
  "dial-stdio": "usr/bin/dial-stdio",
  dnsname: "opt/cni/bin/dnsname",
};

export const ENGINE_IMAGE_CHANGES: readonly string[] = [
  'ENTRYPOINT ["/usr/local/bin/dagger-entrypoint.sh"]',
  "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
  "ENV _EXPERIMENTAL_DAGGER_RUNNER_HOST=unix:///run/dagger/engine.sock",
  "VOLUME /var/lib/dagger",
];
