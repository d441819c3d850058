import type pg from 'pg';
import { silentLogger, type Logger } from '../../shared/logger.js';
import { KeyedSerial } from '../keyedSerial.js';

/** A bridge not heard from for this long is gone (PgBridgePresence's default: three missed beats). */
export const DEFAULT_FRESH_MS = 15_000;

// The database's clock, as the bridges table is written with it (hosts' clocks may differ).
const NOW_MS = '(extract(epoch from clock_timestamp()) * 1000)::bigint';

/**
 * Which bridge holds each machine's live link, for the whole team (`machine_links`).
 * A row whose bridge is no longer fresh in `bridges` counts as offline: a killed bridge
 * leaves its rows behind, and they stop counting within the presence window.
 */
export class PgMachinePresence {
  private readonly logger: Logger;
  /** Writes of one machine's row in call order: a close's delete must not overtake the next hello's insert. */
  private readonly writes = new KeyedSerial();

  constructor(
    private readonly options: {
      pool: pg.Pool;
      bridgeId: string;
      freshMs?: number;
      logger?: Logger;
    },
  ) {
    this.logger = options.logger ?? silentLogger;
  }

  /** This bridge holds the machine's link now (a hello was accepted): the row moves here. */
  linked(machineId: string): Promise<void> {
    return this.writes.run(machineId, async () => {
      await this.options.pool.query(
        `INSERT INTO machine_links (machine_id, bridge_id, connected_at) VALUES ($1, $2, ${NOW_MS})
         ON CONFLICT (machine_id) DO UPDATE SET bridge_id = excluded.bridge_id, connected_at = excluded.connected_at`,
        [machineId, this.options.bridgeId],
      );
    });
  }

  /** The link closed here: the row goes only if it is still ours (the machine may have moved on to another bridge). */
  unlinked(machineId: string): Promise<void> {
    return this.writes.run(machineId, async () => {
      await this.options.pool.query('DELETE FROM machine_links WHERE machine_id = $1 AND bridge_id = $2', [machineId, this.options.bridgeId]);
    });
  }

  /** The live bridge holding the machine's link, or undefined when none does (offline). */
  async holder(machineId: string): Promise<string | undefined> {
    const result = await this.options.pool.query<{ bridge_id: string }>(
      `SELECT l.bridge_id FROM machine_links l JOIN bridges b ON b.id = l.bridge_id
       WHERE l.machine_id = $1 AND b.last_seen_at >= ${NOW_MS} - $2`,
      [machineId, this.freshMs],
    );
    return result.rows[0]?.bridge_id;
  }

  /** Machines linked to other live bridges (for a note to every online machine). */
  async linkedElsewhere(): Promise<string[]> {
    const result = await this.options.pool.query<{ machine_id: string }>(
      `SELECT l.machine_id FROM machine_links l JOIN bridges b ON b.id = l.bridge_id
       WHERE l.bridge_id <> $1 AND b.last_seen_at >= ${NOW_MS} - $2 ORDER BY l.machine_id`,
      [this.options.bridgeId, this.freshMs],
    );
    return result.rows.map((row) => row.machine_id);
  }

  /**
   * A clean stop: this bridge's rows go at once (a killed bridge's go stale instead), and their
   * machines' last contact becomes `now`, from which the other bridges count the offline-notice delay.
   */
  async forgetAll(now: number): Promise<void> {
    await this.options.pool
      .query(
        `WITH gone AS (DELETE FROM machine_links WHERE bridge_id = $1 RETURNING machine_id)
         UPDATE machines SET last_seen_at = greatest(last_seen_at, $2) WHERE id IN (SELECT machine_id FROM gone)`,
        [this.options.bridgeId, now],
      )
      .catch((error: unknown) => this.logger.warn('could not remove this bridge’s machine links', { error: String(error) }));
  }

  get freshMs(): number {
    return this.options.freshMs ?? DEFAULT_FRESH_MS;
  }
}
