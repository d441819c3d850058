import type pg from 'pg';
import { silentLogger, type Logger } from '../../shared/logger.js';
import { ALIVE_SQL } from './bridgePresence.js';

export interface DeadBridgesOptions {
  pool: pg.Pool;
  /** This bridge: never taken for dead by itself. */
  bridgeId: string;
  /** The presence window: a bridge silent for longer is dead even if its session lock lingers. */
  freshMs: number;
  /** How often to look (default 5 s, the presence beat). */
  everyMs?: number;
  /** The bridge clock, for machines' last contact (written with it like every other machine time). */
  now?: () => number;
  /** Machines whose link was on a bridge this one found dead: their threads may need telling. */
  orphaned(machineIds: string[]): void;
  /** After each look: anything else to check on the same beat (the untold offline machines). */
  afterLook?(): Promise<void>;
  logger?: Logger;
}

/**
 * Removes the rows of bridges that are gone: their session lock vanished with their process
 * (kill -9), or they stopped beating. The machine links they held go in the same statement,
 * and those machines' last contact becomes now (they were online as far as anyone knew until
 * now), so the offline notice counts its delay from the moment the bridge was found dead.
 * Several survivors may look at once: a row can be deleted once, so exactly one of them gets
 * each dead bridge's machines (the others' DELETE finds nothing).
 */
export class DeadBridges {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private readonly logger: Logger;

  constructor(private readonly options: DeadBridgesOptions) {
    this.logger = options.logger ?? silentLogger;
  }

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.reap()
        .then(() => this.options.afterLook?.())
        .catch((error: unknown) => this.logger.warn('looking for dead bridges failed', { error: String(error) }))
        .finally(() => (this.running = undefined));
    }, this.options.everyMs ?? 5_000).unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One look: the dead bridges removed now and the machines whose links went with them. */
  async reap(): Promise<{ bridges: string[]; machines: string[] }> {
    const { pool, bridgeId, freshMs } = this.options;
    const result = await pool.query<{ bridges: string[] | null; machines: string[] | null }>(
      `WITH dead AS (DELETE FROM bridges b WHERE b.id <> $1 AND NOT ${ALIVE_SQL} RETURNING b.id),
       links AS (DELETE FROM machine_links WHERE bridge_id IN (SELECT id FROM dead) RETURNING machine_id),
       touched AS (UPDATE machines SET last_seen_at = greatest(last_seen_at, $3) WHERE id IN (SELECT machine_id FROM links) RETURNING id)
       SELECT (SELECT array_agg(id ORDER BY id) FROM dead) AS bridges, (SELECT array_agg(machine_id ORDER BY machine_id) FROM links) AS machines`,
      [bridgeId, freshMs, (this.options.now ?? Date.now)()],
    );
    const bridges = result.rows[0]?.bridges ?? [];
    const machines = result.rows[0]?.machines ?? [];
    if (bridges.length > 0) this.logger.info('removed bridges that are gone', { bridges, machines: machines.length });
    if (machines.length > 0) this.options.orphaned(machines);
    return { bridges, machines };
  }
}
