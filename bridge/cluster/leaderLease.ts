import { createHash } from 'node:crypto';
import pg from 'pg';
import { silentLogger, type Logger } from '../../shared/logger.js';

export type LeaseEvent = 'acquired' | 'lost';

/**
 * "Only one of us holds this": the Discord gateway (a bot token allows one session). A
 * holder learns when it lost the lease and must let go of what it guards at once.
 */
export interface LeaderLease {
  readonly held: boolean;
  /** Makes the first attempt and resolves whether it is held; keeps trying afterwards while not held. */
  start(): Promise<boolean>;
  /** Returns the function that removes the listener. */
  on(event: LeaseEvent, listener: () => void): () => void;
  /** Lets go (if held) and stops trying. */
  close(): Promise<void>;
}

/** Listener bookkeeping shared by both leases. */
abstract class LeaseEvents {
  private readonly listeners = new Map<LeaseEvent, Set<() => void>>();

  constructor(protected readonly logger: Logger) {}

  on(event: LeaseEvent, listener: () => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => void set.delete(listener);
  }

  protected emit(event: LeaseEvent): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) {
      try {
        listener();
      } catch (error) {
        this.logger.error('a lease listener failed', { event, error: error instanceof Error ? error.message : String(error) });
      }
    }
  }
}

/** One bridge: always the holder. */
export class InProcessLeaderLease extends LeaseEvents implements LeaderLease {
  private holding = false;

  constructor(logger: Logger = silentLogger) {
    super(logger);
  }

  get held(): boolean {
    return this.holding;
  }

  async start(): Promise<boolean> {
    if (!this.holding) {
      this.holding = true;
      this.emit('acquired');
    }
    return true;
  }

  async close(): Promise<void> {
    this.holding = false;
  }
}

/** A stable 64-bit advisory lock key for a name (pg_try_advisory_lock takes a bigint). */
export function advisoryKey(name: string): string {
  return createHash('sha256').update(name).digest().readBigInt64BE(0).toString();
}

export interface PgLeaderLeaseOptions {
  connectionString: string;
  /** What is guarded, e.g. `dispatch:discord-gateway`; becomes the advisory lock key. */
  name: string;
  /** How often a bridge that does not hold it tries again, and how often the holder checks its connection (default 2000 ms). */
  retryMs?: number;
  /** Shows in pg_stat_activity: which bridge holds what. */
  applicationName?: string;
  logger?: Logger;
}

/**
 * Several bridges on PostgreSQL: a session-level advisory lock on a dedicated connection.
 * The server lets go when that session ends — a crashed or killed bridge releases it
 * without anyone's help — so the lease is lost exactly when the connection is: on its
 * error or end, or when the holder's periodic check gets no answer.
 */
export class PgLeaderLease extends LeaseEvents implements LeaderLease {
  private client: pg.Client | undefined;
  private holding = false;
  private closed = false;
  private timer: NodeJS.Timeout | undefined;
  private attempt: Promise<boolean> | undefined;
  private readonly key: string;
  /** A bridge that just lost the lease waits before trying again, so a standby peer takes it (no flapping back). */
  private coolDownUntil = 0;

  constructor(private readonly options: PgLeaderLeaseOptions) {
    super(options.logger ?? silentLogger);
    this.key = advisoryKey(options.name);
  }

  get held(): boolean {
    return this.holding;
  }

  async start(): Promise<boolean> {
    // Startable again after close(): a transport stopped and started keeps its lease object.
    this.closed = false;
    const held = await this.tryOnce();
    this.schedule();
    return held;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.attempt?.catch(() => undefined);
    const client = this.client;
    this.client = undefined;
    this.holding = false;
    // Ending the session releases the lock; an explicit unlock first makes it immediate even if the end is slow.
    if (client) {
      await client.query('SELECT pg_advisory_unlock($1::bigint)', [this.key]).catch(() => undefined);
      await client.end().catch(() => undefined);
    }
  }

  private schedule(): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      void (this.holding ? this.check() : this.tryOnce()).finally(() => this.schedule());
    }, this.options.retryMs ?? 2_000);
  }

  private tryOnce(): Promise<boolean> {
    this.attempt = this.acquire().catch((error: unknown) => {
      this.logger.warn('could not try the lease', { name: this.options.name, error: error instanceof Error ? error.message : String(error) });
      this.dropClient();
      return false;
    });
    return this.attempt;
  }

  private async acquire(): Promise<boolean> {
    if (this.closed || this.holding) return this.holding;
    if (Date.now() < this.coolDownUntil) return false;
    const client = this.client ?? (await this.connect());
    const result = await client.query<{ held: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS held', [this.key]);
    if (!result.rows[0]?.held || this.closed || this.client !== client) return false;
    this.holding = true;
    this.logger.info('lease acquired', { name: this.options.name });
    this.emit('acquired');
    return true;
  }

  /** The holder's connection may be dead without an error (a silent network): ask it something. */
  private async check(): Promise<void> {
    const client = this.client;
    if (!client) return;
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no answer from the database')), this.options.retryMs ?? 2_000).unref());
    try {
      await Promise.race([client.query('SELECT 1'), timeout]);
    } catch (error) {
      this.lose(client, error instanceof Error ? error.message : String(error));
    }
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.options.connectionString, keepAlive: true, ...(this.options.applicationName ? { application_name: this.options.applicationName } : {}) });
    client.on('error', (error) => this.lose(client, error.message));
    client.on('end', () => this.lose(client, 'connection ended'));
    this.client = client;
    await client.connect();
    return client;
  }

  private lose(client: pg.Client, why: string): void {
    if (this.client !== client) return;
    const wasHolding = this.holding;
    this.dropClient();
    if (wasHolding) {
      this.coolDownUntil = Date.now() + 3 * (this.options.retryMs ?? 2_000);
      this.logger.warn('lease lost', { name: this.options.name, why });
      this.emit('lost');
    }
  }

  private dropClient(): void {
    const client = this.client;
    this.client = undefined;
    this.holding = false;
    void client?.end().catch(() => undefined);
  }
}
