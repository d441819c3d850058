import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type pg from 'pg';
import { silentLogger, type Logger } from '../../shared/logger.js';

/** A bridge as the others see it. Times are milliseconds since the epoch, by the database's clock. */
export interface BridgeSeen {
  id: string;
  url: string | null;
  startedAt: number;
  lastSeenAt: number;
}

/** Which bridges are up: this one, and on PostgreSQL the peers that wrote lately. */
export interface BridgePresence {
  readonly id: string;
  start(): Promise<void>;
  /** Bridges seen within the freshness window, this one included, by id. */
  bridges(): Promise<BridgeSeen[]>;
  stop(): Promise<void>;
}

/**
 * A new id per process start, readable in logs and /healthz: `host-pid-xxxx`. Random
 * per start, so a restarted bridge is never mistaken for the one that died.
 */
export function newBridgeId(): string {
  const host = hostname().replace(/[^A-Za-z0-9-]/g, '-').slice(0, 40) || 'bridge';
  return `${host}-${process.pid}-${randomBytes(2).toString('hex')}`;
}

/** One bridge (SQLite): it is the only one. */
export class InProcessBridgePresence implements BridgePresence {
  private readonly startedAt = Date.now();

  constructor(
    readonly id: string = newBridgeId(),
    private readonly url: string | null = null,
  ) {}

  async start(): Promise<void> {}

  async bridges(): Promise<BridgeSeen[]> {
    return [{ id: this.id, url: this.url, startedAt: this.startedAt, lastSeenAt: Date.now() }];
  }

  async stop(): Promise<void> {}
}

export interface PgBridgePresenceOptions {
  pool: pg.Pool;
  id?: string;
  /** Where this bridge is reached (its public URL), shown to the others. */
  url?: string;
  /** How often this bridge writes its row (default 5 s). */
  heartbeatMs?: number;
  /** A bridge not heard from for this long is gone (default 15 s: three missed beats). */
  freshMs?: number;
  logger?: Logger;
}

// The database's clock for every time written and compared: bridges on several hosts
// would otherwise disagree by their clock skew about who is fresh.
const NOW_MS = '(extract(epoch from clock_timestamp()) * 1000)::bigint';

/** Several bridges on PostgreSQL: each upserts its row in `bridges` on a beat and lists the fresh ones. */
export class PgBridgePresence implements BridgePresence {
  readonly id: string;
  private readonly pool: pg.Pool;
  private readonly logger: Logger;
  private timer: NodeJS.Timeout | undefined;
  private beating: Promise<void> = Promise.resolve();

  constructor(private readonly options: PgBridgePresenceOptions) {
    this.id = options.id ?? newBridgeId();
    this.pool = options.pool;
    this.logger = options.logger ?? silentLogger;
  }

  /** Writes the first beat (failing if the database is unreachable), then keeps beating. */
  async start(): Promise<void> {
    await this.pool.query(`INSERT INTO bridges (id, url, started_at, last_seen_at) VALUES ($1, $2, ${NOW_MS}, ${NOW_MS}) ON CONFLICT (id) DO UPDATE SET url = excluded.url, last_seen_at = excluded.last_seen_at`, [this.id, this.options.url ?? null]);
    this.timer = setInterval(() => {
      this.beating = this.beat();
    }, this.options.heartbeatMs ?? 5_000);
    this.timer.unref();
  }

  async bridges(): Promise<BridgeSeen[]> {
    const result = await this.pool.query<{ id: string; url: string | null; started_at: string; last_seen_at: string }>(
      `SELECT id, url, started_at, last_seen_at FROM bridges WHERE last_seen_at >= ${NOW_MS} - $1 ORDER BY id`,
      [this.options.freshMs ?? 15_000],
    );
    // bigint columns arrive as strings from node-postgres.
    return result.rows.map((row) => ({ id: row.id, url: row.url, startedAt: Number(row.started_at), lastSeenAt: Number(row.last_seen_at) }));
  }

  /** Stops beating and removes this bridge's row, so the others stop listing it at once. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.beating;
    await this.pool.query('DELETE FROM bridges WHERE id = $1', [this.id]).catch((error: unknown) => this.logger.warn('could not remove this bridge from the bridges table', { error: String(error) }));
  }

  private async beat(): Promise<void> {
    try {
      // An upsert, not an update: a row pruned by someone (or a fresh database) comes back.
      await this.pool.query(`INSERT INTO bridges (id, url, started_at, last_seen_at) VALUES ($1, $2, ${NOW_MS}, ${NOW_MS}) ON CONFLICT (id) DO UPDATE SET last_seen_at = excluded.last_seen_at`, [this.id, this.options.url ?? null]);
    } catch (error) {
      this.logger.warn('bridge heartbeat failed', { error: error instanceof Error ? error.message : String(error) });
    }
  }
}
