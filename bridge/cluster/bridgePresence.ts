import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import pg from 'pg';
import { silentLogger, type Logger } from '../../shared/logger.js';
import { mismatchText, timingMismatches, type RecordedTimings } from './clusterTimings.js';

/** A bridge as the others see it. Times are milliseconds since the epoch, by the database's clock. */
export interface BridgeSeen {
  id: string;
  url: string | null;
  startedAt: number;
  lastSeenAt: number;
  /** The timings it recorded (null: an older Dispatch that records none). */
  timings?: RecordedTimings | null;
}

/** Which bridges are up: this one, and on PostgreSQL the peers that wrote lately. */
export interface BridgePresence {
  readonly id: string;
  /** The timings this bridge runs with, by setting (clustered bridges; compared with the peers' in /healthz). */
  readonly timings?: RecordedTimings;
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
  /**
   * With it, the bridge holds a session advisory lock on a connection of its own for as long
   * as it runs: when its process dies (kill -9), the server ends that session and the lock
   * goes within milliseconds, so the others stop counting it at once instead of after the
   * freshness window. Without it (or on an older Dispatch), only the beat tells.
   */
  connectionString?: string;
  /** How often this bridge writes its row and looks for dead peers (default 5 s). */
  heartbeatMs?: number;
  /** A bridge not heard from for this long is gone (default 15 s: three missed beats). */
  freshMs?: number;
  /** Recorded in this bridge's row; a live peer with other values is warned about at start. */
  timings?: RecordedTimings;
  logger?: Logger;
}

// The database's clock for every time written and compared: bridges on several hosts
// would otherwise disagree by their clock skew about who is fresh.
const NOW_MS = '(extract(epoch from clock_timestamp()) * 1000)::bigint';

/** The advisory lock namespace of a bridge's session lock ("dsp" + 2); the key is hashtext(bridge id). */
export const SESSION_LOCK_SPACE = 0x64_73_70_02;

/**
 * A row's bridge is alive: it beat within the window and, if it said it holds a session
 * lock, that lock is still granted (its connection is up). `$2` is the window in ms.
 */
export const ALIVE_SQL = `(b.last_seen_at >= ${NOW_MS} - $2 AND (NOT b.session_lock OR EXISTS (
  SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
    AND l.classid = ${SESSION_LOCK_SPACE}::oid AND l.objid = hashtext(b.id)::oid
    AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()))))`;

/** Several bridges on PostgreSQL: each upserts its row in `bridges` on a beat and lists the live ones. */
export class PgBridgePresence implements BridgePresence {
  readonly id: string;
  private readonly pool: pg.Pool;
  private readonly logger: Logger;
  private timer: NodeJS.Timeout | undefined;
  private beating: Promise<void> = Promise.resolve();
  private lockClient: pg.Client | undefined;
  private readonly rejoined = new Set<() => void>();
  private started = false;

  constructor(private readonly options: PgBridgePresenceOptions) {
    this.id = options.id ?? newBridgeId();
    this.pool = options.pool;
    this.logger = options.logger ?? silentLogger;
  }

  get timings(): RecordedTimings | undefined {
    return this.options.timings;
  }

  /** Takes the session lock and writes the first beat (failing if the database is unreachable), then keeps beating. */
  async start(): Promise<void> {
    if (this.options.connectionString) await this.lock();
    await this.upsert();
    this.started = true;
    await this.warnOfOtherTimings();
    this.timer = setInterval(() => {
      this.beating = this.beat();
    }, this.options.heartbeatMs ?? 5_000);
    this.timer.unref();
  }

  /**
   * Called when this bridge's row had vanished and the beat wrote it anew (the others took it
   * for dead: its connections were down longer than the window). Whatever the others removed
   * with it, such as the machines linked here, is written again by the listener.
   */
  onRejoined(listener: () => void): () => void {
    this.rejoined.add(listener);
    return () => this.rejoined.delete(listener);
  }

  async bridges(): Promise<BridgeSeen[]> {
    const result = await this.pool.query<{ id: string; url: string | null; started_at: string; last_seen_at: string; timings: RecordedTimings | null }>(
      // Read through the row's JSON: a peer's timings where the column exists (migration 5), null where it does not yet.
      `SELECT id, url, started_at, last_seen_at, to_jsonb(b) -> 'timings' AS timings FROM bridges b WHERE b.id = $1 OR ${ALIVE_SQL} ORDER BY id`,
      [this.id, this.freshMs],
    );
    // bigint columns arrive as strings from node-postgres.
    return result.rows.map((row) => ({ id: row.id, url: row.url, startedAt: Number(row.started_at), lastSeenAt: Number(row.last_seen_at), timings: row.timings }));
  }

  /**
   * Timings that differ between bridges are each valid but wrong together (a peer taken for
   * dead between its beats, a claim lapsing between renewals): said once at start, per
   * setting and peer, with both values; /healthz keeps listing them (health.ts).
   */
  private async warnOfOtherTimings(): Promise<void> {
    const own = this.options.timings;
    if (!own) return;
    const peers = (await this.bridges().catch(() => [])).filter((seen) => seen.id !== this.id);
    for (const mismatch of timingMismatches(own, peers)) this.logger.warn(mismatchText(mismatch), { ...mismatch });
  }

  /** Stops beating and removes this bridge's row (and lock), so the others stop listing it at once. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.beating;
    await this.pool.query('DELETE FROM bridges WHERE id = $1', [this.id]).catch((error: unknown) => this.logger.warn('could not remove this bridge from the bridges table', { error: String(error) }));
    const client = this.lockClient;
    this.lockClient = undefined;
    await client?.end().catch(() => undefined);
  }

  get freshMs(): number {
    return this.options.freshMs ?? 15_000;
  }

  private async beat(): Promise<void> {
    try {
      // A lock lost with its connection (a database restart, a network cut) is taken again first.
      if (this.options.connectionString && !this.lockClient) await this.lock().catch((error: unknown) => this.logger.warn('could not take this bridge’s session lock again', { error: String(error) }));
      if (await this.upsert()) for (const listener of this.rejoined) listener();
    } catch (error) {
      this.logger.warn('bridge heartbeat failed', { error: error instanceof Error ? error.message : String(error) });
    }
  }

  /** Writes this bridge's row; true when the row was missing and is back (not on the first write). */
  private async upsert(): Promise<boolean> {
    // An upsert, not an update: a row removed by a peer (or a fresh database) comes back.
    // Timings only when this bridge has them to record (a bare presence, as in tools and tests, writes none).
    const timings = this.options.timings ? JSON.stringify(this.options.timings) : undefined;
    const result = await this.pool.query<{ inserted: boolean }>(
      `INSERT INTO bridges (id, url, started_at, last_seen_at, session_lock${timings ? ', timings' : ''}) VALUES ($1, $2, ${NOW_MS}, ${NOW_MS}, $3${timings ? ', $4::jsonb' : ''})
       ON CONFLICT (id) DO UPDATE SET url = excluded.url, last_seen_at = excluded.last_seen_at, session_lock = excluded.session_lock${timings ? ', timings = excluded.timings' : ''}
       RETURNING (xmax = 0) AS inserted`,
      [this.id, this.options.url ?? null, this.lockClient !== undefined, ...(timings ? [timings] : [])],
    );
    return this.started && result.rows[0]?.inserted === true;
  }

  private async lock(): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.connectionString, application_name: `${this.id}:presence` });
    client.on('error', (error) => {
      this.logger.warn('the session lock’s connection failed; it is taken again on the next beat', { error: error.message });
      if (this.lockClient === client) this.lockClient = undefined;
      void client.end().catch(() => undefined);
    });
    await client.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [SESSION_LOCK_SPACE, this.id]);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    this.lockClient = client;
  }
}
