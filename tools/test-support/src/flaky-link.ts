import { connect, createServer, type Server, type Socket } from "node:net";
import { bridgeAddress } from "./registry-server.ts";

/**
 * A flaky network link in front of a real server, at the TCP level: it knows
 * connections and bytes, never HTTP, so what it does looks to every client
 * (our registry client, the engine's containerd, cosign, syft) exactly like a
 * bad network — a connection reset as soon as it opens, an upload or a
 * download cut part-way, a link that is slow or stops moving — and nothing can
 * recognise it as a test.
 *
 * What happens to each connection is decided when it is accepted, by a rule
 * given the connection's peer and its ordinal and a random number drawn from
 * a stream seeded by `seed`: the same seed with the same order of connections
 * replays the same faults. A failing case prints its seed (`describe()`).
 */

/** What the link does to one connection; nothing set passes it through untouched. */
export interface ConnectionPlan {
  /** Reset (TCP RST) as soon as it is accepted, before a byte moves. */
  reset?: boolean;
  /** Close (FIN) as soon as it is accepted, before a byte moves: what a proxy or load balancer with no backend does. */
  closeAtAccept?: boolean;
  /** Hold the connection this long before opening the way to the server. */
  delayMs?: number;
  /** After each chunk the client sends, hold the client this long: a slow link that keeps moving. */
  paceMs?: number;
  /** Reset both sides once the client has sent this many bytes, if a budget allows it then. */
  cutUpload?: Cut;
  /** Reset both sides once the server has sent this many bytes, if a budget allows it then. */
  cutDownload?: Cut;
  /** Stop moving bytes (either way) once the client has sent this many, keeping the connection open, if a budget allows it then: a link that hangs. */
  stallUpload?: Cut;
}

export interface Cut {
  afterBytes: number;
  /** Shared between connections: the cut happens only while it has some left. */
  budget?: FaultBudget;
}

/**
 * Faults shared by many connections: "cut the first two uploads over 1 MB",
 * whichever connections carry them; with `forMs`, every one for that long
 * after the first ("uploads fail for 15 s"), which is what outlasts the
 * retries a client makes on its own, as a real outage does.
 */
export class FaultBudget {
  #firstAt: number | undefined;

  constructor(
    public left: number,
    private readonly options: { forMs?: number } = {},
  ) {}

  take(): boolean {
    if (this.left <= 0) return false;
    if (this.options.forMs !== undefined) {
      const now = Date.now();
      this.#firstAt ??= now;
      if (now - this.#firstAt > this.options.forMs) return false;
    }
    this.left--;
    return true;
  }
}

/** A connection as the rule sees it when the link accepts it. */
export interface LinkConnection {
  /** 1-based, over the whole link. */
  id: number;
  /** The client's address: the engine's container and this machine's processes come from different ones. */
  peer: string;
  /** 1-based, over this peer's connections. */
  peerIndex: number;
  /** The next number of the seeded stream, in [0, 1). */
  random: () => number;
}

export type LinkRule = (c: LinkConnection) => ConnectionPlan | undefined;

export type LinkEventKind = "reset" | "close" | "cut-upload" | "cut-download" | "stall";

/** One fault the link injected. */
export interface LinkEvent {
  kind: LinkEventKind;
  connection: number;
  peer: string;
  /** Bytes the client had sent and the server had sent when it happened. */
  up: number;
  down: number;
  at: number;
}

export interface FlakyLink {
  /** `<host>:<port>`: the address clients use instead of the server's. */
  host: string;
  seed: number;
  /** Every fault injected, in order. */
  readonly events: LinkEvent[];
  /** Connections accepted so far. */
  connections(): number;
  /** Faults of one kind so far (all kinds without one). */
  count(kind?: LinkEventKind, peer?: string): number;
  /** Replaces the rule for connections accepted from now on. */
  setRule(rule: LinkRule | undefined): void;
  /** The seed and what was injected, for a failure message. */
  describe(): string;
  stop(): Promise<void>;
}

export interface FlakyLinkOptions {
  /** `host:port` of the real server. */
  upstream: string;
  /** Seeds the random stream rules draw from; default: a random seed (reported by `describe()`). */
  seed?: number;
  rule?: LinkRule;
  /**
   * `bridge`: on this machine's address on the harness bridge
   * (HARNESS_BRIDGE_HOST, a port of HARNESS_TEST_PORTS), where the engine in
   * its own network reaches it like the other test registries. Default: loopback.
   */
  listen?: "loopback" | "bridge";
}

/** mulberry32: a tiny seeded generator; enough to replay a fault pattern, nothing more. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Writes to `to`, pausing `from` until `to` drains: a big upload streams through without piling up here. */
function forward(to: Socket, chunk: Buffer, from: Socket): void {
  if (!to.write(chunk)) {
    from.pause();
    to.once("drain", () => from.resume());
  }
}

const splitHost = (hostPort: string): [string, number] => [hostPort.slice(0, hostPort.lastIndexOf(":")), Number(hostPort.slice(hostPort.lastIndexOf(":") + 1))];

export async function startFlakyLink(options: FlakyLinkOptions): Promise<FlakyLink> {
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const random = seededRandom(seed);
  const [upHost, upPort] = splitHost(options.upstream);
  let rule = options.rule;
  const events: LinkEvent[] = [];
  const open = new Set<Socket>();
  const perPeer = new Map<string, number>();
  let accepted = 0;

  const server: Server = createServer({ pauseOnConnect: true }, (client) => {
    const id = ++accepted;
    const peer = client.remoteAddress ?? "?";
    const peerIndex = (perPeer.get(peer) ?? 0) + 1;
    perPeer.set(peer, peerIndex);
    const plan = rule?.({ id, peer, peerIndex, random }) ?? {};
    let up = 0;
    let down = 0;
    const note = (kind: LinkEventKind) => events.push({ kind, connection: id, peer, up, down, at: Date.now() });
    open.add(client);
    client.once("close", () => open.delete(client));
    client.on("error", () => {});
    if (plan.reset) {
      note("reset");
      client.resetAndDestroy();
      return;
    }
    if (plan.closeAtAccept) {
      note("close");
      client.end();
      return;
    }
    const pass = () => {
      if (client.destroyed) return;
      const server = connect({ host: upHost, port: upPort });
      open.add(server);
      server.once("close", () => open.delete(server));
      server.on("error", () => client.destroy());
      client.on("error", () => server.destroy());
      client.once("close", () => server.destroy());
      server.once("close", () => client.destroy());
      let stalled = false;
      const cut = (kind: "cut-upload" | "cut-download") => {
        note(kind);
        client.resetAndDestroy();
        server.resetAndDestroy();
      };
      const due = (c: Cut | undefined, bytes: number) => c !== undefined && bytes >= c.afterBytes && (c.budget?.take() ?? true);
      client.on("data", (chunk: Buffer) => {
        if (stalled) return;
        const limit = Math.min(plan.cutUpload?.afterBytes ?? Infinity, plan.stallUpload?.afterBytes ?? Infinity);
        if (up + chunk.length >= limit) {
          // Forward exactly up to the limit, then fault: the server sees a partial upload, as on a real cut.
          const head = chunk.subarray(0, Math.max(0, limit - up));
          up += head.length;
          if (head.length) forward(server, head, client);
          if (due(plan.stallUpload, up)) {
            // Read nothing more either way: the client's writes back up as on a dead link, and nothing comes back.
            stalled = true;
            client.pause();
            server.pause();
            note("stall");
            return;
          }
          if (due(plan.cutUpload, up)) return cut("cut-upload");
          // The budgets were spent: this connection passes from here on.
          plan.cutUpload = undefined;
          plan.stallUpload = undefined;
          const rest = chunk.subarray(head.length);
          up += rest.length;
          if (rest.length) forward(server, rest, client);
          return;
        }
        up += chunk.length;
        forward(server, chunk, client);
        if (plan.paceMs) {
          client.pause();
          setTimeout(() => client.resume(), plan.paceMs);
        }
      });
      server.on("data", (chunk: Buffer) => {
        if (stalled) return;
        const limit = plan.cutDownload?.afterBytes ?? Infinity;
        if (down + chunk.length >= limit) {
          const head = chunk.subarray(0, Math.max(0, limit - down));
          down += head.length;
          if (head.length) forward(client, head, server);
          if (due(plan.cutDownload, down)) return cut("cut-download");
          plan.cutDownload = undefined;
          const rest = chunk.subarray(head.length);
          down += rest.length;
          if (rest.length) forward(client, rest, server);
          return;
        }
        down += chunk.length;
        forward(client, chunk, server);
      });
      client.on("end", () => server.end());
      server.on("end", () => client.end());
      client.resume();
    };
    if (plan.delayMs) setTimeout(pass, plan.delayMs);
    else pass();
  });

  const listenOn = options.listen === "bridge" ? splitHost(await bridgeAddress()) : (["127.0.0.1", 0] as const);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(listenOn[1], listenOn[0], () => resolve());
  });
  const address = server.address() as { port: number };
  const host = `${listenOn[0]}:${address.port}`;
  const count = (kind?: LinkEventKind, peer?: string) => events.filter((e) => (!kind || e.kind === kind) && (!peer || e.peer === peer)).length;
  return {
    host,
    seed,
    events,
    connections: () => accepted,
    count,
    setRule(r) {
      rule = r;
    },
    describe() {
      const kinds = (["reset", "close", "cut-upload", "cut-download", "stall"] as const).map((k) => `${k} ${count(k)}`).join(", ");
      return `flaky link ${host} → ${options.upstream}, seed ${seed}: ${accepted} connections; ${kinds}`;
    },
    async stop() {
      for (const s of open) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}
