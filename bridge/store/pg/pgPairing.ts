import type pg from 'pg';
import type { ChatUser } from '../../chat.js';
import type { PairingRecord } from '../store.js';
import { inTransaction } from './pgPool.js';

/** Pairing codes, wrong-code attempts and chat identities' machines in PostgreSQL. */
export class PgPairing {
  constructor(private readonly pool: pg.Pool) {}

  async createPairingCode(machineId: string, code: string, expiresAt: number): Promise<void> {
    await this.pool.query(
      `INSERT INTO pairing_codes (code, machine_id, expires_at, used_at) VALUES ($1, $2, $3, NULL)
       ON CONFLICT (code) DO UPDATE SET machine_id = excluded.machine_id, expires_at = excluded.expires_at, used_at = NULL`,
      [code, machineId, expiresAt],
    );
  }

  async consumePairingCode(code: string, now: number): Promise<string | undefined> {
    // Two bridges with the same code: the second UPDATE waits for the first's row lock, then sees used_at set.
    const { rows } = await this.pool.query(
      `UPDATE pairing_codes SET used_at = $1 WHERE code = $2 AND used_at IS NULL AND expires_at > $1 RETURNING machine_id`,
      [now, code],
    );
    return rows[0] ? String(rows[0].machine_id) : undefined;
  }

  async recordFailedPairing(user: ChatUser, at: number): Promise<void> {
    await this.pool.query(`INSERT INTO pairing_failures (platform, user_id, at) VALUES ($1, $2, $3)`, [user.platform, user.userId, at]);
  }

  async countFailedPairings(user: ChatUser, since: number): Promise<number> {
    const { rows } = await this.pool.query(`SELECT count(*) AS n FROM pairing_failures WHERE platform = $1 AND user_id = $2 AND at >= $3`, [user.platform, user.userId, since]);
    return Number(rows[0].n);
  }

  async failedPairingTimes(since: number): Promise<number[]> {
    const { rows } = await this.pool.query(`SELECT at FROM pairing_failures WHERE at >= $1 ORDER BY at`, [since]);
    return rows.map((row) => Number(row.at));
  }

  async countPairingCodes(machineId: string, expiringSince: number): Promise<number> {
    const { rows } = await this.pool.query(`SELECT count(*) AS n FROM pairing_codes WHERE machine_id = $1 AND expires_at >= $2`, [machineId, expiringSince]);
    return Number(rows[0].n);
  }

  async addPairing(user: ChatUser, machineId: string, at: number): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      // The upsert locks the user's row: two bridges pairing one person take turns, so only one default.
      await client.query(
        `INSERT INTO users (platform, user_id, display_name, first_seen_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (platform, user_id) DO UPDATE SET display_name = excluded.display_name`,
        [user.platform, user.userId, user.displayName ?? null, at],
      );
      const { rows } = await client.query(`SELECT 1 FROM pairings WHERE platform = $1 AND user_id = $2 AND is_default`, [user.platform, user.userId]);
      await client.query(
        `INSERT INTO pairings (platform, user_id, machine_id, is_default, paired_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
        [user.platform, user.userId, machineId, rows.length === 0, at],
      );
    });
  }

  async removePairings(user: ChatUser): Promise<number> {
    return (await this.pool.query(`DELETE FROM pairings WHERE platform = $1 AND user_id = $2`, [user.platform, user.userId])).rowCount ?? 0;
  }

  async pairings(user: ChatUser): Promise<PairingRecord[]> {
    const { rows } = await this.pool.query(`SELECT machine_id, is_default, paired_at FROM pairings WHERE platform = $1 AND user_id = $2 ORDER BY paired_at`, [
      user.platform, user.userId,
    ]);
    return rows.map((row) => ({ machineId: String(row.machine_id), isDefault: row.is_default === true, pairedAt: Number(row.paired_at) }));
  }

  async countPairings(machineId: string): Promise<number> {
    const { rows } = await this.pool.query(`SELECT count(*) AS n FROM pairings WHERE machine_id = $1`, [machineId]);
    return Number(rows[0].n);
  }

  async setDefaultMachine(user: ChatUser, machineId: string): Promise<void> {
    await this.pool.query(`UPDATE pairings SET is_default = (machine_id = $1) WHERE platform = $2 AND user_id = $3`, [machineId, user.platform, user.userId]);
  }
}
