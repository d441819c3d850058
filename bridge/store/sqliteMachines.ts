import { credentialStateOf } from './sqliteCredentials.js';
import type { Row, SqliteStatements } from './sqliteStatements.js';
import type { MachineListing, MachineRecord } from './store.js';

/** The machines table of the SQLite file: what each runner last said about itself. */
export class SqliteMachines {
  constructor(private readonly sql: SqliteStatements) {}

  upsert(machine: MachineRecord): void {
    this.sql.statement(
        `INSERT INTO machines (id, name, platform, agent, repos, last_seen_at) VALUES (@id, @name, @platform, @agent, @repos, @lastSeenAt)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, platform = excluded.platform, agent = excluded.agent,
           repos = excluded.repos, last_seen_at = excluded.last_seen_at`,
      )
      // Only name and default: a runner's repo infos may carry vocabularies, which live in their own table.
      .run({ ...machine, repos: JSON.stringify(machine.repos.map((repo) => ({ name: repo.name, default: repo.default }))) });
  }

  /** Synchronous, for use inside a better-sqlite3 transaction (which cannot await). */
  byId(id: string): MachineRecord | undefined {
    const row = this.sql.statement(`SELECT * FROM machines WHERE id = ?`).get(id) as Row | undefined;
    return row ? toMachine(row) : undefined;
  }

  list(): MachineListing[] {
    const rows = this.sql.statement(
      `SELECT m.*, c.revoked_at, c.confirmed_at, c.machine_id AS credential_of FROM machines m LEFT JOIN machine_credentials c ON c.machine_id = m.id ORDER BY m.last_seen_at DESC`,
    ).all() as Row[];
    return rows.map((row) => ({ ...toMachine(row), credential: row.credential_of == null ? 'none' : credentialStateOf(row) }));
  }

  touch(id: string, lastSeenAt: number): void {
    this.sql.statement(`UPDATE machines SET last_seen_at = ? WHERE id = ?`).run(lastSeenAt, id);
  }
}

function toMachine(row: Row): MachineRecord {
  return {
    id: String(row.id),
    name: String(row.name),
    platform: String(row.platform),
    agent: String(row.agent),
    repos: JSON.parse(String(row.repos)) as MachineRecord['repos'],
    lastSeenAt: Number(row.last_seen_at),
  };
}
