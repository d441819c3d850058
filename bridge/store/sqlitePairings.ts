import type { ChatUser } from '../chat.js';
import type { Row, SqliteStatements } from './sqliteStatements.js';
import type { PairingRecord } from './store.js';

/** Pairing in the SQLite file: one-time codes, failed attempts (for the rate limit), and who is paired with which machine. */
export class SqlitePairings {
  constructor(private readonly sql: SqliteStatements) {}

  createCode(machineId: string, code: string, expiresAt: number): void {
    this.sql.statement(`INSERT OR REPLACE INTO pairing_codes (code, machine_id, expires_at, used_at) VALUES (?, ?, ?, NULL)`).run(code, machineId, expiresAt);
  }

  consumeCode(code: string, now: number): string | undefined {
    const row = this.sql.statement(`UPDATE pairing_codes SET used_at = ? WHERE code = ? AND used_at IS NULL AND expires_at > ? RETURNING machine_id`)
      .get(now, code, now) as Row | undefined;
    return row ? String(row.machine_id) : undefined;
  }

  countCodes(machineId: string, expiringSince: number): number {
    const row = this.sql.statement(`SELECT COUNT(*) AS n FROM pairing_codes WHERE machine_id = ? AND expires_at >= ?`).get(machineId, expiringSince) as Row;
    return Number(row.n);
  }

  recordFailure(user: ChatUser, at: number): void {
    this.sql.statement(`INSERT INTO pairing_failures (platform, user_id, at) VALUES (?, ?, ?)`).run(user.platform, user.userId, at);
  }

  countFailures(user: ChatUser, since: number): number {
    const row = this.sql.statement(`SELECT COUNT(*) AS n FROM pairing_failures WHERE platform = ? AND user_id = ? AND at >= ?`)
      .get(user.platform, user.userId, since) as Row;
    return Number(row.n);
  }

  failureTimes(since: number): number[] {
    const rows = this.sql.statement(`SELECT at FROM pairing_failures WHERE at >= ? ORDER BY at`).all(since) as Row[];
    return rows.map((row) => Number(row.at));
  }

  /** The user's first machine becomes their default. */
  add(user: ChatUser, machineId: string, at: number): void {
    this.sql.db.transaction(() => {
      this.sql.statement(`INSERT INTO users (platform, user_id, display_name, first_seen_at) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET display_name = excluded.display_name`)
        .run(user.platform, user.userId, user.displayName ?? null, at);
      const hasDefault = this.of(user).some((pairing) => pairing.isDefault);
      this.sql.statement(`INSERT OR IGNORE INTO pairings (platform, user_id, machine_id, is_default, paired_at) VALUES (?, ?, ?, ?, ?)`)
        .run(user.platform, user.userId, machineId, hasDefault ? 0 : 1, at);
    })();
  }

  removeAll(user: ChatUser): number {
    return this.sql.statement(`DELETE FROM pairings WHERE platform = ? AND user_id = ?`).run(user.platform, user.userId).changes;
  }

  of(user: ChatUser): PairingRecord[] {
    const rows = this.sql.statement(`SELECT machine_id, is_default, paired_at FROM pairings WHERE platform = ? AND user_id = ? ORDER BY paired_at`)
      .all(user.platform, user.userId) as Row[];
    return rows.map((row) => ({ machineId: String(row.machine_id), isDefault: row.is_default === 1, pairedAt: Number(row.paired_at) }));
  }

  countOf(machineId: string): number {
    return Number((this.sql.statement(`SELECT COUNT(*) AS n FROM pairings WHERE machine_id = ?`).get(machineId) as Row).n);
  }

  setDefault(user: ChatUser, machineId: string): void {
    this.sql.statement(`UPDATE pairings SET is_default = (machine_id = ?) WHERE platform = ? AND user_id = ?`)
      .run(machineId, user.platform, user.userId);
  }
}
