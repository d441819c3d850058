import type pg from 'pg';
import type { CredentialState, CredentialStore } from '../store.js';
import { inTransaction, type Row } from './pgPool.js';

/** Machines' own credentials in PostgreSQL: hashes only, revoked ones kept. */
export class PgCredentials implements CredentialStore {
  constructor(private readonly pool: pg.Pool) {}

  async issue(machineId: string, secretHash: string, at: number): Promise<boolean> {
    // One statement: the upsert's row lock decides between bridges; a confirmed or revoked credential is never replaced.
    const result = await this.pool.query(
      `INSERT INTO machine_credentials (machine_id, secret_hash, issued_at) VALUES ($1, $2, $3)
       ON CONFLICT (machine_id) DO UPDATE SET secret_hash = excluded.secret_hash, issued_at = excluded.issued_at
       WHERE machine_credentials.confirmed_at IS NULL AND machine_credentials.revoked_at IS NULL`,
      [machineId, secretHash, at],
    );
    return result.rowCount === 1;
  }

  async confirm(machineId: string, at: number): Promise<void> {
    await this.pool.query(`UPDATE machine_credentials SET confirmed_at = $1 WHERE machine_id = $2 AND confirmed_at IS NULL`, [at, machineId]);
  }

  async find(secretHash: string): Promise<{ machineId: string; revoked: boolean } | undefined> {
    const { rows } = await this.pool.query(`SELECT machine_id, revoked_at FROM machine_credentials WHERE secret_hash = $1`, [secretHash]);
    return rows[0] ? { machineId: String(rows[0].machine_id), revoked: rows[0].revoked_at != null } : undefined;
  }

  async state(machineId: string): Promise<CredentialState> {
    const { rows } = await this.pool.query(`SELECT revoked_at, confirmed_at FROM machine_credentials WHERE machine_id = $1`, [machineId]);
    return rows[0] ? pgCredentialStateOf(rows[0] as Row) : 'none';
  }

  async revoke(machineId: string, at: number): Promise<boolean> {
    return inTransaction(this.pool, async (client) => {
      // A machine that never registered gets a revoked placeholder, so the registration token cannot claim it later.
      const revoked = await client.query(`UPDATE machine_credentials SET revoked_at = $1 WHERE machine_id = $2 AND revoked_at IS NULL`, [at, machineId]);
      const placeholder = await client.query(
        `INSERT INTO machine_credentials (machine_id, secret_hash, issued_at, revoked_at) VALUES ($1, $2, $3, $3) ON CONFLICT DO NOTHING`,
        [machineId, `revoked:${machineId}`, at],
      );
      await client.query(`DELETE FROM pairings WHERE machine_id = $1`, [machineId]);
      return (revoked.rowCount ?? 0) + (placeholder.rowCount ?? 0) > 0;
    });
  }
}

/** A credential row's state (`issued` until the machine shows it has it). */
export function pgCredentialStateOf(row: Row): CredentialState {
  return row.revoked_at != null ? 'revoked' : row.confirmed_at != null ? 'active' : 'issued';
}
