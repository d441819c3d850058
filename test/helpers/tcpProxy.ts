import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP proxy between a runner and the bridge that a test can break the way networks
 * break: `silence()` keeps both sockets open but drops every byte (a dead NAT or Wi-Fi),
 * `cut()` closes every connection at once, `down()` also refuses new ones, `heal()` forwards again.
 */
export class TcpProxy {
  private forwarding = true;
  private refusing = false;
  private readonly pairs = new Set<[Socket, Socket]>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    let proxy: TcpProxy | undefined;
    const server = createServer((client) => proxy!.accept(client, target));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    proxy = new TcpProxy(server, (server.address() as AddressInfo).port);
    return proxy;
  }

  /** The proxy's address with the target's scheme and path style (http://127.0.0.1:PORT). */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get connections(): number {
    return this.pairs.size;
  }

  silence(): void {
    this.forwarding = false;
  }

  /** Cuts every connection and refuses new ones (the bridge's host is unreachable) until heal(). */
  down(): void {
    this.refusing = true;
    this.cut();
  }

  heal(): void {
    this.forwarding = true;
    this.refusing = false;
  }

  cut(): void {
    for (const [client, upstream] of this.pairs) {
      client.destroy();
      upstream.destroy();
    }
    this.pairs.clear();
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket, target: { host: string; port: number }): void {
    if (this.refusing) {
      client.destroy();
      return;
    }
    // A silenced path takes new connections too, and drops their bytes as well.
    const upstream = createConnection(target);
    const pair: [Socket, Socket] = [client, upstream];
    this.pairs.add(pair);
    const forward = (to: Socket) => (chunk: Buffer) => {
      if (this.forwarding && !to.destroyed) to.write(chunk);
    };
    client.on('data', forward(upstream));
    upstream.on('data', forward(client));
    // On a silent path the other side does not even hear a close: it must find out by itself.
    const end = (): void => {
      if (!this.forwarding) return;
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  }
}
