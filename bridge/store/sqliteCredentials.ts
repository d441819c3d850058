import type Database from 'better-sqlite3';
import type { CredentialState, CredentialStore } from './store.js';

type Row = Record<string, unknown>;

/** Machines' own credentials in the bridge's SQLite file: hashes only, revoked ones kept. */
export class SqliteCredentials implements CredentialStore {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  private statement(sql: string): Database.Statement {
    let prepared = this.statements.get(sql);
    if (!prepared) {
      prepared = this.db.prepare(sql);
      this.statements.set(sql, prepared);
    }
    return prepared;
  }

  async issue(machineId: string, secretHash: string, at: number): Promise<boolean> {
    return (
      this.statement(
        `INSERT INTO machine_credentials (machine_id, secret_hash, issued_at) VALUES (?, ?, ?)
         ON CONFLICT (machine_id) DO UPDATE SET secret_hash = excluded.secret_hash, issued_at = excluded.issued_at
         WHERE confirmed_at IS NULL AND revoked_at IS NULL`,
      ).run(machineId, secretHash, at).changes === 1
    );
  }

  async confirm(machineId: string, at: number): Promise<void> {
    this.statement(`UPDATE machine_credentials SET confirmed_at = ? WHERE machine_id = ? AND confirmed_at IS NULL`).run(at, machineId);
  }

  async find(secretHash: string): Promise<{ machineId: string; revoked: boolean } | undefined> {
    const row = this.statement(`SELECT machine_id, revoked_at FROM machine_credentials WHERE secret_hash = ?`).get(secretHash) as Row | undefined;
    return row ? { machineId: String(row.machine_id), revoked: row.revoked_at != null } : undefined;
  }

  async state(machineId: string): Promise<CredentialState> {
    const row = this.statement(`SELECT revoked_at, confirmed_at FROM machine_credentials WHERE machine_id = ?`).get(machineId) as Row | undefined;
    return row ? credentialStateOf(row) : 'none';
  }

  async revoke(machineId: string, at: number): Promise<boolean> {
    return this.db.transaction(() => {
      // A machine that never registered gets a revoked placeholder, so the registration token cannot claim it later.
      const changed =
        this.statement(`UPDATE machine_credentials SET revoked_at = ? WHERE machine_id = ? AND revoked_at IS NULL`).run(at, machineId).changes +
        this.statement(`INSERT OR IGNORE INTO machine_credentials (machine_id, secret_hash, issued_at, revoked_at) VALUES (?, ?, ?, ?)`)
          .run(machineId, `revoked:${machineId}`, at, at).changes;
      this.statement(`DELETE FROM pairings WHERE machine_id = ?`).run(machineId);
      return changed > 0;
    })();
  }
}

/** A credential row's state (`issued` until the machine shows it has it). */
export function credentialStateOf(row: Row): CredentialState {
  return row.revoked_at != null ? 'revoked' : row.confirmed_at != null ? 'active' : 'issued';
}
