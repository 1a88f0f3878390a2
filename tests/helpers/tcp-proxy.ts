import net from "node:net";

/**
 * A TCP proxy between the app and PostgreSQL that a test (or the outage benchmark) can cut and
 * restore, so an outage is staged without touching the database server itself.
 *
 * - `cut("stop")`: as when PostgreSQL stops — every open connection is reset and new ones are
 *   refused (the listening socket is closed, so connecting fails with ECONNREFUSED).
 * - `cut("blackhole")`: as when the network drops packets — connections stay open and new ones are
 *   accepted, but nothing is forwarded either way until `restore()`.
 */
export class TcpProxy {
  private server: net.Server | null = null;
  private readonly pairs = new Set<Pair>();
  private mode: "open" | "stop" | "blackhole" = "open";
  private port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  /** Starts listening (port 0 = any free port) and returns the port. */
  async listen(port = 0, host = "127.0.0.1"): Promise<number> {
    const server = net.createServer((client) => this.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    this.port = (server.address() as net.AddressInfo).port;
    return this.port;
  }

  /** A PostgreSQL URL that goes through the proxy, otherwise the same as `url`. */
  url(url: string): string {
    const through = new URL(url);
    through.hostname = "127.0.0.1";
    through.port = String(this.port);
    return through.toString();
  }

  get connections(): number {
    return this.pairs.size;
  }

  cut(how: "stop" | "blackhole" = "stop"): void {
    this.mode = how;
    if (how === "stop") {
      this.server?.close();
      this.server = null;
      for (const pair of this.pairs) {
        pair.client.resetAndDestroy();
        pair.upstream.destroy();
      }
      this.pairs.clear();
    } else {
      for (const pair of this.pairs) hold(pair);
    }
  }

  async restore(): Promise<void> {
    const was = this.mode;
    this.mode = "open";
    if (was === "stop") {
      await this.listen(this.port);
    } else {
      for (const pair of this.pairs) forward(pair);
    }
  }

  async close(): Promise<void> {
    for (const pair of this.pairs) {
      pair.client.destroy();
      pair.upstream.destroy();
    }
    this.pairs.clear();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    const upstream = net.connect(this.target.port, this.target.host);
    const pair = { client, upstream };
    this.pairs.add(pair);
    const drop = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
    // Accepted during a blackhole: held open and silent, like a peer behind a dead link.
    if (this.mode === "blackhole") hold(pair);
    else forward(pair);
  }
}

type Pair = { client: net.Socket; upstream: net.Socket };

function forward({ client, upstream }: Pair): void {
  client.pipe(upstream);
  upstream.pipe(client);
}

/** Unpiped as well as paused: a pipe would resume its source on the next drain. */
function hold({ client, upstream }: Pair): void {
  client.unpipe(upstream);
  upstream.unpipe(client);
  client.pause();
  upstream.pause();
}
