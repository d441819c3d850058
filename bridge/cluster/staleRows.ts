import type pg from 'pg';
import { silentLogger, type Logger } from '../../shared/logger.js';
import { FINAL_STATES } from '../../shared/sessions.js';
import { inTransaction } from '../store/pg/pgPool.js';

/** How long rows nobody needs are kept before the sweep removes them. */
export interface StaleRowRetention {
  /** Chat event ids (Slack retries within minutes; default 24 h). */
  eventIdsMs: number;
  /** Rows of bridges not heard from (the dead-bridge check removes most at once; default 1 h). */
  bridgesMs: number;
  /** Answered machine requests (their asker reads the answer within seconds; default 60 s). */
  answeredRequestsMs: number;
  /** Any machine request, answered or not (its asker gave up long ago; default 1 h). */
  requestsMs: number;
}

export const DEFAULT_RETENTION: StaleRowRetention = { eventIdsMs: 24 * 60 * 60_000, bridgesMs: 60 * 60_000, answeredRequestsMs: 60_000, requestsMs: 60 * 60_000 };

/** What one sweep removed, per table. */
export interface PrunedRows {
  notifyClaims: number;
  linkNotices: number;
  bridges: number;
  machineLinks: number;
  chatEventsSeen: number;
  machineRequests: number;
}

export interface StaleRowsOptions {
  pool: pg.Pool;
  /** How often a bridge tries a sweep (default 10 min); one bridge at a time does it. */
  everyMs?: number;
  retention?: Partial<StaleRowRetention>;
  /** At most this many rows per table per sweep: a sweep never holds locks for long (default 5,000). */
  batch?: number;
  /** The bridges' clock, as notifier leases are written with it. */
  now?: () => number;
  logger?: Logger;
}

/** Any constant the bridges agree on: the sweep's transaction lock ("dsp" + 3). */
const SWEEP_LOCK = 0x64_73_70_03;
const NOW_MS = '(extract(epoch from clock_timestamp()) * 1000)::bigint';
const FINAL = `ARRAY[${FINAL_STATES.map((state) => `'${state}'`).join(', ')}]`;

/**
 * Removes the rows that only grow on PostgreSQL: notifier claims of ended jobs and gone
 * bridges, link notices of ended jobs, rows of bridges long gone and the machine links they
 * left, chat event ids past their retention, machine requests done long ago. Each delete is
 * bounded (`batch`) and uses an index; the bridges take turns through a transaction-level
 * advisory lock, so two never sweep at once (the one that did not get it skips its turn).
 */
export class StaleRows {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private readonly logger: Logger;
  private readonly retention: StaleRowRetention;

  constructor(private readonly options: StaleRowsOptions) {
    this.logger = options.logger ?? silentLogger;
    this.retention = { ...DEFAULT_RETENTION, ...options.retention };
  }

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.prune()
        .then((pruned) => pruned && Object.values(pruned).some((count) => count > 0) && this.logger.info('pruned stale cluster rows', { ...pruned }))
        .catch((error: unknown) => this.logger.warn('pruning stale cluster rows failed', { error: String(error) }))
        .finally(() => (this.running = undefined));
    }, this.options.everyMs ?? 10 * 60_000).unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One sweep; undefined when another bridge is sweeping right now. */
  prune(): Promise<PrunedRows | undefined> {
    const batch = this.options.batch ?? 5_000;
    const now = (this.options.now ?? Date.now)();
    const { eventIdsMs, bridgesMs, answeredRequestsMs, requestsMs } = this.retention;
    return inTransaction(this.options.pool, async (client) => {
      const locked = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS locked', [SWEEP_LOCK]);
      if (!locked.rows[0]?.locked) return undefined;
      const count = async (sql: string, params: unknown[]) => (await client.query(sql, params)).rowCount ?? 0;
      return {
        // A lease past its end is free anyway; it goes once its job ended (or is gone) or its bridge is gone.
        notifyClaims: await count(
          `DELETE FROM notify_claims WHERE job_id IN (SELECT c.job_id FROM notify_claims c LEFT JOIN jobs j ON j.id = c.job_id
             WHERE c.until < $1 AND (j.id IS NULL OR j.state = ANY(${FINAL}) OR NOT EXISTS (SELECT 1 FROM bridges b WHERE b.id = c.bridge_id)) LIMIT $2)`,
          [now, batch],
        ),
        linkNotices: await count(
          `DELETE FROM link_notices WHERE job_id IN (SELECT n.job_id FROM link_notices n LEFT JOIN jobs j ON j.id = n.job_id WHERE j.id IS NULL OR j.state = ANY(${FINAL}) LIMIT $1)`,
          [batch],
        ),
        bridges: await count(`DELETE FROM bridges WHERE id IN (SELECT id FROM bridges WHERE last_seen_at < ${NOW_MS} - $1 LIMIT $2)`, [bridgesMs, batch]),
        // A bridge writes its row before any link, and its links go with its row: a link without one is left over.
        machineLinks: await count(`DELETE FROM machine_links WHERE machine_id IN (SELECT l.machine_id FROM machine_links l WHERE NOT EXISTS (SELECT 1 FROM bridges b WHERE b.id = l.bridge_id) LIMIT $1)`, [batch]),
        chatEventsSeen: await count(
          `DELETE FROM chat_events_seen WHERE (platform, event_id) IN (SELECT platform, event_id FROM chat_events_seen WHERE seen_at < ${NOW_MS} - $1 LIMIT $2)`,
          [eventIdsMs, batch],
        ),
        machineRequests: await count(
          `DELETE FROM machine_requests WHERE id IN (
             (SELECT id FROM machine_requests WHERE answered_at < ${NOW_MS} - $1 LIMIT $3)
             UNION (SELECT id FROM machine_requests WHERE created_at < ${NOW_MS} - $2 LIMIT $3))`,
          [answeredRequestsMs, requestsMs, batch],
        ),
      };
    });
  }
}
