import { dag, type Container, type Service } from "@dagger.io/dagger";

/**
 * A throw-away registry for one run: Dagger cannot hand an in-memory container
 * to a Dockerfile FROM, so a parent built in this run is pushed here and its
 * children build FROM it by digest. Tunnelled to the host's loopback, where
 * the engine's puller reaches it and plain HTTP is the default; that needs an
 * engine on the host network, as the harness runs it.
 */
export class EphemeralRegistry {
  private constructor(
    private readonly tunnel: Service,
    readonly address: string,
  ) {}

  static async start(image: string): Promise<EphemeralRegistry> {
    const svc = dag.container().from(image).withExposedPort(5000).asService({ useEntrypoint: true });
    const tunnel = await dag.host().tunnel(svc).start();
    const endpoint = await tunnel.endpoint();
    // The tunnel may answer on any loopback name; the engine treats only localhost as plain HTTP.
    const port = endpoint.split(":").at(-1);
    return new EphemeralRegistry(tunnel, `localhost:${port}`);
  }

  /** Pushes a multi-platform image; returns `address/name@sha256:…`. */
  async push(name: string, containers: Container[]): Promise<string> {
    const [first, ...rest] = containers;
    const published = await first!.publish(`${this.address}/${name}:run`, { platformVariants: rest });
    const digest = published.slice(published.indexOf("@") + 1);
    return `${this.address}/${name}@${digest}`;
  }

  async stop(): Promise<void> {
    await this.tunnel.stop();
  }
}
