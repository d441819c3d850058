import type pg from 'pg';
import type { MachineListing, MachineRecord } from '../store.js';
import { pgCredentialStateOf } from './pgCredentials.js';
import type { Row } from './pgPool.js';
import { toMachine } from './pgRows.js';

/** The machines a team's bridges know, in PostgreSQL. */
export class PgMachines {
  constructor(private readonly pool: pg.Pool) {}

  async upsertMachine(machine: MachineRecord): Promise<void> {
    // Only name and default: a runner's repo infos may carry vocabularies, which live in their own table.
    const repos = machine.repos.map((repo) => ({ name: repo.name, default: repo.default }));
    await this.pool.query(
      `INSERT INTO machines (id, name, platform, agent, repos, last_seen_at) VALUES ($1, $2, $3, $4, $5::jsonb, $6)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, platform = excluded.platform, agent = excluded.agent,
         repos = excluded.repos, last_seen_at = excluded.last_seen_at`,
      [machine.id, machine.name, machine.platform, machine.agent, JSON.stringify(repos), machine.lastSeenAt],
    );
  }

  async getMachine(id: string): Promise<MachineRecord | undefined> {
    const { rows } = await this.pool.query(`SELECT * FROM machines WHERE id = $1`, [id]);
    return rows[0] ? toMachine(rows[0] as Row) : undefined;
  }

  async listMachines(): Promise<MachineListing[]> {
    const { rows } = await this.pool.query(
      `SELECT m.*, c.revoked_at, c.confirmed_at, c.machine_id AS credential_of
       FROM machines m LEFT JOIN machine_credentials c ON c.machine_id = m.id ORDER BY m.last_seen_at DESC`,
    );
    return rows.map((row) => ({ ...toMachine(row as Row), credential: row.credential_of == null ? 'none' : pgCredentialStateOf(row as Row) }));
  }

  async touchMachine(id: string, lastSeenAt: number): Promise<void> {
    await this.pool.query(`UPDATE machines SET last_seen_at = $1 WHERE id = $2`, [lastSeenAt, id]);
  }
}
