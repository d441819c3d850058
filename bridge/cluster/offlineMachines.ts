import type pg from 'pg';
import { FINAL_STATES } from '../../shared/sessions.js';

const NOW_MS = '(extract(epoch from clock_timestamp()) * 1000)::bigint';
const FINAL = `ARRAY[${FINAL_STATES.map((state) => `'${state}'`).join(', ')}]`;

/**
 * The backstop for offline notices beside other bridges: machines with unfinished tasks whose
 * threads were not told, that no live bridge holds, and whose last contact is older than the
 * notice delay. It finds what no timer is left to tell: the bridge that held the link stopped
 * (cleanly, so nobody took it for dead) or the survivor that found it dead died in turn. A job
 * created after the notice would have been due was told "offline" when it was saved.
 */
export async function untoldOfflineMachines(pool: pg.Pool, options: { delayMs: number; freshMs: number; now: number; limit?: number }): Promise<string[]> {
  const result = await pool.query<{ machine_id: string }>(
    `SELECT DISTINCT j.machine_id FROM jobs j JOIN machines m ON m.id = j.machine_id
     WHERE j.delivery IN ('waiting', 'accepted') AND NOT (j.state = ANY(${FINAL}))
       AND m.last_seen_at < $1::bigint - $2::bigint AND j.created_at <= m.last_seen_at + $2::bigint
       AND NOT EXISTS (SELECT 1 FROM link_notices n WHERE n.job_id = j.id)
       AND NOT EXISTS (SELECT 1 FROM machine_links l JOIN bridges b ON b.id = l.bridge_id WHERE l.machine_id = j.machine_id AND b.last_seen_at >= ${NOW_MS} - $3::bigint)
     ORDER BY j.machine_id LIMIT $4`,
    [options.now, options.delayMs, options.freshMs, options.limit ?? 100],
  );
  return result.rows.map((row) => row.machine_id);
}
