import type { Row, SqliteStatements } from './sqliteStatements.js';
import type { CredentialState, CredentialStore } from './store.js';

/** Machines' own credentials in the bridge's SQLite file: hashes only, revoked ones kept. */
export class SqliteCredentials implements CredentialStore {
  constructor(private readonly sql: SqliteStatements) {}

  async issue(machineId: string, secretHash: string, at: number): Promise<boolean> {
    return (
      this.sql.statement(
        `INSERT INTO machine_credentials (machine_id, secret_hash, issued_at) VALUES (?, ?, ?)
         ON CONFLICT (machine_id) DO UPDATE SET secret_hash = excluded.secret_hash, issued_at = excluded.issued_at
         WHERE confirmed_at IS NULL AND revoked_at IS NULL`,
      ).run(machineId, secretHash, at).changes === 1
    );
  }

  async confirm(machineId: string, at: number): Promise<void> {
    this.sql.statement(`UPDATE machine_credentials SET confirmed_at = ? WHERE machine_id = ? AND confirmed_at IS NULL`).run(at, machineId);
  }

  async find(secretHash: string): Promise<{ machineId: string; revoked: boolean } | undefined> {
    const row = this.sql.statement(`SELECT machine_id, revoked_at FROM machine_credentials WHERE secret_hash = ?`).get(secretHash) as Row | undefined;
    return row ? { machineId: String(row.machine_id), revoked: row.revoked_at != null } : undefined;
  }

  async state(machineId: string): Promise<CredentialState> {
    const row = this.sql.statement(`SELECT revoked_at, confirmed_at FROM machine_credentials WHERE machine_id = ?`).get(machineId) as Row | undefined;
    return row ? credentialStateOf(row) : 'none';
  }

  async revoke(machineId: string, at: number): Promise<boolean> {
    return this.sql.db.transaction(() => {
      // A machine that never registered gets a revoked placeholder, so the registration token cannot claim it later.
      const changed =
        this.sql.statement(`UPDATE machine_credentials SET revoked_at = ? WHERE machine_id = ? AND revoked_at IS NULL`).run(at, machineId).changes +
        this.sql.statement(`INSERT OR IGNORE INTO machine_credentials (machine_id, secret_hash, issued_at, revoked_at) VALUES (?, ?, ?, ?)`)
          .run(machineId, `revoked:${machineId}`, at, at).changes;
      this.sql.statement(`DELETE FROM pairings WHERE machine_id = ?`).run(machineId);
      return changed > 0;
    })();
  }
}

/** A credential row's state (`issued` until the machine shows it has it). */
export function credentialStateOf(row: Row): CredentialState {
  return row.revoked_at != null ? 'revoked' : row.confirmed_at != null ? 'active' : 'issued';
}
