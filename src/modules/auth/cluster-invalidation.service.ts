import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { databaseConfig, DatabaseConfig } from '../../config/database.config';

const CHANNEL = 'pat_principal_invalidation';
const MAX_RETRY_MS = 30_000;
/**
 * How often the listening connection proves it is alive, and how long the proof may take. A
 * connection that dies without a word (a network partition, no TCP reset) is noticed within the
 * sum, after which the cache is off: the longest a missed notification can go unnoticed.
 */
export const HEARTBEAT_MS = 2_000;

/** What another instance must forget. `all` also means: a message may have been missed. */
export type Invalidation = { kind: 'token' | 'user'; id: string } | { kind: 'all' };

/**
 * Spreads principal-cache invalidations between instances on one PostgreSQL through
 * LISTEN/NOTIFY, so that a token deleted or a user disabled on one instance stops working on the
 * others within milliseconds, not at the end of the cache lifetime. The listening connection runs
 * a query every HEARTBEAT_MS; while it is down, or silent for longer than that, `reliable` is false
 * and the cache is bypassed, and it is emptied when the connection is back: correctness never
 * depends on a notification arriving. On SQLite (one instance) every change goes through the one
 * process, and there is nothing to spread.
 */
@Injectable()
export class ClusterInvalidation implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ClusterInvalidation.name);
  private readonly handlers: ((invalidation: Invalidation) => void)[] = [];
  private client?: Client;
  private listening = false;
  private stopped = false;
  private retryMs = 500;
  private retryTimer?: NodeJS.Timeout;
  private heartbeat?: NodeJS.Timeout;
  private readonly retired = new WeakSet<Client>();

  constructor(
    @Inject(databaseConfig.KEY) private readonly database: DatabaseConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  private get clustered(): boolean {
    return this.database.kind === 'postgres';
  }

  /** True when every other instance's invalidations reach this one (always, on SQLite). */
  get reliable(): boolean {
    return !this.clustered || this.listening;
  }

  /** Called for every invalidation another instance (or this one) published. */
  onInvalidation(handler: (invalidation: Invalidation) => void): void {
    this.handlers.push(handler);
  }

  /** Tells every instance; failures are logged, the cache lifetime bounds what is missed. */
  publish(invalidation: Invalidation): void {
    if (!this.clustered) {
      return;
    }
    this.dataSource
      .query('SELECT pg_notify($1, $2)', [CHANNEL, JSON.stringify(invalidation)])
      .catch((error: unknown) =>
        this.logger.warn(`Could not publish an invalidation: ${String(error)}`),
      );
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.clustered) {
      await this.listen();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.heartbeat);
    await this.client?.end().catch(() => undefined);
  }

  private async listen(): Promise<void> {
    const client = new Client({
      connectionString: this.database.url,
      application_name: 'pat-service invalidations',
      connectionTimeoutMillis: 5_000,
      keepAlive: true,
      query_timeout: HEARTBEAT_MS,
    });
    client.on('notification', (message) => this.receive(message.payload));
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (error) {
      this.lost(client, error);
      return;
    }
    this.client = client;
    this.listening = true;
    this.retryMs = 500;
    this.heartbeat = setInterval(() => {
      client.query('SELECT 1').catch((error: unknown) => this.lost(client, error));
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
    // Anything published while this instance was not listening is lost: start clean.
    this.dispatch({ kind: 'all' });
  }

  private receive(payload: string | undefined): void {
    try {
      const invalidation = JSON.parse(payload ?? '') as Invalidation;
      this.dispatch(
        invalidation.kind === 'all' || typeof invalidation.id === 'string'
          ? invalidation
          : { kind: 'all' },
      );
    } catch {
      this.dispatch({ kind: 'all' });
    }
  }

  private dispatch(invalidation: Invalidation): void {
    for (const handler of this.handlers) {
      handler(invalidation);
    }
  }

  private lost(client: Client, error?: unknown): void {
    // A client reports its end once as an error and once as `end`: handle it once.
    if (this.retired.has(client)) {
      return;
    }
    this.retired.add(client);
    if (this.client === client) {
      clearInterval(this.heartbeat);
    }
    const wasListening = this.listening;
    this.listening = false;
    this.client = undefined;
    client.end().catch(() => undefined);
    this.dispatch({ kind: 'all' });
    if (this.stopped) {
      return;
    }
    if (wasListening || error) {
      this.logger.warn(
        `Not hearing other instances' invalidations (${error instanceof Error ? error.message : 'connection ended'}); caching off until reconnected`,
      );
    }
    this.retryTimer = setTimeout(() => void this.listen(), this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
  }
}
