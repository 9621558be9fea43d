import { AddressInfo, createServer, Server, Socket, connect } from 'node:net';

/** PostgreSQL's Terminate message type: what a client sends last when it closes cleanly. */
const TERMINATE = 0x58; // 'X'

/**
 * Follows the frontend side of one PostgreSQL connection (startup message, then type + length +
 * payload messages) and remembers the type of the last complete message.
 */
class FrontendMessages {
  private buffered = Buffer.alloc(0);
  private started = false;
  lastType?: number;

  push(chunk: Buffer): void {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    for (;;) {
      if (!this.started) {
        // The startup message (or an SSLRequest): an int32 length that counts itself, no type.
        if (this.buffered.length < 4) {
          return;
        }
        const length = this.buffered.readInt32BE(0);
        if (this.buffered.length < length) {
          return;
        }
        const code = length >= 8 ? this.buffered.readInt32BE(4) : 0;
        // An SSLRequest (80877103) is followed by another startup message.
        this.started = code !== 80877103;
        this.buffered = this.buffered.subarray(length);
        continue;
      }
      if (this.buffered.length < 5) {
        return;
      }
      const length = this.buffered.readInt32BE(1);
      if (this.buffered.length < 1 + length) {
        return;
      }
      this.lastType = this.buffered[0];
      this.buffered = this.buffered.subarray(1 + length);
    }
  }
}

export interface ProxiedConnection {
  /** Whether the client ended it with PostgreSQL's Terminate message (a clean close). */
  terminated: boolean;
  /** Who closed it first: the client, the proxy (cut) or the database. */
  closedBy?: 'client' | 'proxy' | 'database';
}

/**
 * A TCP proxy on 127.0.0.1 in front of a PostgreSQL server, for outages a test can cause: `cut()`
 * destroys every connection and stops listening, so that new connections are refused, as when the
 * database goes down; `restore()` listens again on the same port; `silence()` keeps every
 * connection open and lets nothing through. It also tells whether each
 * connection was closed cleanly by the client (a Terminate message), as a pool's `end()` does.
 */
export class TcpProxy {
  private server: Server;
  /** While set, nothing passes either way and nothing is closed: a network that went silent. */
  private silent = false;
  private readonly open = new Map<Socket, { upstream: Socket; record: ProxiedConnection }>();
  readonly connections: ProxiedConnection[] = [];
  port = 0;

  private constructor(private readonly target: { host: string; port: number }) {
    this.server = this.createServer();
  }

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const proxy = new TcpProxy(target);
    await proxy.listen(0);
    return proxy;
  }

  /** Connections open through the proxy right now. */
  get openConnections(): number {
    return this.open.size;
  }

  /** `url` (a postgres:// URL of the target) with the proxy's host and port instead. */
  rewrite(url: string): string {
    const through = new URL(url);
    through.hostname = '127.0.0.1';
    through.port = String(this.port);
    return through.toString();
  }

  /** Every connection is destroyed and new ones are refused until restore(). */
  async cut(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const [client, { upstream, record }] of this.open) {
      record.closedBy ??= 'proxy';
      client.destroy();
      upstream.destroy();
    }
    this.open.clear();
    await closed;
  }

  /**
   * Every connection stays open but nothing passes any more, either way, as when a network splits
   * without a TCP reset: neither side hears that the other is gone.
   */
  silence(): void {
    this.silent = true;
  }

  /** Listens again on the same port. */
  async restore(): Promise<void> {
    this.server = this.createServer();
    await this.listen(this.port);
  }

  async close(): Promise<void> {
    if (this.server.listening) {
      await this.cut();
    }
  }

  private listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        this.port = (this.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  private createServer(): Server {
    return createServer((client) => {
      const upstream = connect(this.target);
      const record: ProxiedConnection = { terminated: false };
      const messages = new FrontendMessages();
      this.connections.push(record);
      this.open.set(client, { upstream, record });
      client.on('data', (chunk: Buffer) => {
        if (this.silent) {
          return;
        }
        messages.push(chunk);
        if (!upstream.write(chunk)) {
          client.pause();
          upstream.once('drain', () => client.resume());
        }
      });
      upstream.on('data', (chunk: Buffer) => {
        if (this.silent) {
          return;
        }
        if (!client.write(chunk)) {
          upstream.pause();
          client.once('drain', () => upstream.resume());
        }
      });
      const finish = (by: 'client' | 'database') => () => {
        record.closedBy ??= by;
        record.terminated = messages.lastType === TERMINATE;
        this.open.delete(client);
        client.destroy();
        upstream.destroy();
      };
      client.on('end', finish('client'));
      client.on('close', finish('client'));
      client.on('error', finish('client'));
      upstream.on('end', finish('database'));
      upstream.on('close', finish('database'));
      upstream.on('error', finish('database'));
    });
  }
}
