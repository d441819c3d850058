import type pg from 'pg';
import type { NoticeLedger } from '../linkNotices.js';

/**
 * Which threads were told their machine went offline, for all bridges (`link_notices`). The
 * database decides who speaks: a job's row can be inserted once, so of two bridges that both
 * think the machine is offline (its own bridge's timer, a survivor that found that bridge dead)
 * exactly one tells the thread; and a row can be deleted once, so exactly one bridge says
 * "back online", whichever the machine reconnected to.
 */
export class PgNoticeLedger implements NoticeLedger {
  constructor(
    private readonly options: {
      pool: pg.Pool;
      bridgeId: string;
      /** Online through any live bridge (this one's hub, or a fresh machine_links row). */
      isOnline(machineId: string): Promise<boolean>;
      now?: () => number;
    },
  ) {}

  onlineAnywhere(machineId: string): Promise<boolean> {
    return this.options.isOnline(machineId);
  }

  async claimOffline(machineId: string, jobIds: string[]): Promise<string[]> {
    if (jobIds.length === 0) return [];
    const result = await this.options.pool.query<{ job_id: string }>(
      `INSERT INTO link_notices (job_id, machine_id, bridge_id, told_at) SELECT id, $2, $3, $4 FROM unnest($1::text[]) AS ids(id)
       ON CONFLICT (job_id) DO NOTHING RETURNING job_id`,
      [jobIds, machineId, this.options.bridgeId, (this.options.now ?? Date.now)()],
    );
    return result.rows.map((row) => row.job_id);
  }

  async takeOnline(machineId: string): Promise<string[]> {
    const result = await this.options.pool.query<{ job_id: string }>('DELETE FROM link_notices WHERE machine_id = $1 RETURNING job_id', [machineId]);
    return result.rows.map((row) => row.job_id).sort();
  }

  async forget(machineId: string): Promise<void> {
    await this.options.pool.query('DELETE FROM link_notices WHERE machine_id = $1', [machineId]);
  }
}
