import type { Container, Platform as DaggerPlatform, Service } from "@dagger.io/dagger";
import { daggerSdk } from "../dagger/sdk.ts";
import { describeBuildError } from "./build-error.ts";

/** The run's registry could not carry a parent to its children: names the parent, the engine's reason and what to do. */
export class RunRegistryError extends Error {
  constructor(parent: string, cause: unknown) {
    super(
      `${parent}: could not hand the parent built in this run to its children through the run's registry (a Dagger service bound with registryService)\n` +
        `${describeBuildError(cause).replace(/^/gm, "    ")}\n` +
        `  → the engine must be able to start the registry image (IMAGE_EPHEMERAL_REGISTRY_IMAGE, default docker.io/library/registry:2) and run services; run again with --verbose to see the engine's own progress`,
    );
  }
}

/**
 * A throw-away registry for one run: Dagger cannot hand an in-memory container
 * to a Dockerfile FROM, so a parent built in this run is pushed here and its
 * children build FROM it by digest.
 *
 * It is a Dagger service bound to each call that needs it (`registryService`),
 * never a tunnel to the client's loopback: the engine dials the service for
 * the ref's host itself, so this works wherever the engine runs — in its own
 * container network as the Dagger CLI starts it, on the host's network, or on
 * a remote machine. A `localhost` host keeps the engine on plain HTTP.
 *
 * A child's `dockerBuild` cannot be given the service, so before it builds,
 * the parent is pulled into the engine per platform by digest; the engine
 * then resolves `BASE_IMAGE=localhost:5000/<parent>@<digest>` from that local
 * content without dialling anything (engine/server/resolver: a digest-pinned
 * ref already held under the same repository). The e2e test "a child smoke
 * builds on its same-run parent on an engine in its own network" fails if an
 * SDK or engine upgrade changes that.
 */
export class EphemeralRegistry {
  /** The host the engine dials the bound service for. */
  static readonly HOST = "localhost:5000";

  private constructor(private readonly service: Service) {}

  static async start(image: string): Promise<EphemeralRegistry> {
    const { dag } = await daggerSdk();
    const service = dag.container().from(image).withExposedPort(5000).asService({ useEntrypoint: true });
    // Started explicitly so it outlives each call that binds it: its storage is the run's parents.
    try {
      return new EphemeralRegistry(await service.start());
    } catch (e) {
      throw new RunRegistryError(`the run's registry (${image})`, e);
    }
  }

  /**
   * Pushes a multi-platform image, then pulls each platform back into the
   * engine by digest so a Dockerfile FROM that digest resolves without the
   * service. Returns `localhost:5000/<name>@sha256:…`.
   */
  async push(name: string, containers: Map<string, Container>): Promise<string> {
    const [first, ...rest] = [...containers.values()];
    const { dag } = await daggerSdk();
    try {
      const published = await first!.publish(`${EphemeralRegistry.HOST}/${name}:run`, { platformVariants: rest, registryService: this.service });
      const ref = `${EphemeralRegistry.HOST}/${name}@${published.slice(published.indexOf("@") + 1)}`;
      await Promise.all(
        [...containers.keys()].map((platform) =>
          dag
            .container({ platform: platform as DaggerPlatform })
            .from(ref, { registryService: this.service })
            .sync(),
        ),
      );
      return ref;
    } catch (e) {
      throw new RunRegistryError(name, e);
    }
  }

  async stop(): Promise<void> {
    await this.service.stop();
  }
}
