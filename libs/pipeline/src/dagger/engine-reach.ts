import { isLoopback } from "@image-tooling/oci-registry";

/**
 * Why a registry the client reaches may be out of the engine's reach. The
 * Dagger engine dials registries from its own network namespace — the
 * container the Dagger CLI starts, a CI runner's, or a remote machine — so a
 * loopback address there names the engine, not this machine.
 */
export function engineReachHint(registry: string): string | undefined {
  if (!isLoopback(registry)) return undefined;
  return (
    `${registry} is a loopback address, and the Dagger engine pushes and pulls from its own network, where loopback is the engine itself: ` +
    `set IMAGE_REGISTRY to an address the engine reaches (a registry host name, or this machine's address on the engine's network, such as Docker's bridge gateway 172.17.0.1), ` +
    `with IMAGE_REGISTRY_PLAIN_HTTP=true and a matching "http": true in the engine's engine.json if it serves no TLS`
  );
}
