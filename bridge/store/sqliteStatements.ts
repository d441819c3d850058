import type Database from 'better-sqlite3';

/** A row as better-sqlite3 returns it: column name to value. */
export type Row = Record<string, unknown>;

/**
 * The statements of one SQLite file, compiled once per SQL text: preparing costs more
 * than running these small statements. The store's parts share one, and its `db` for
 * transactions.
 */
export class SqliteStatements {
  private readonly prepared = new Map<string, Database.Statement>();

  constructor(readonly db: Database.Database) {}

  statement(sql: string): Database.Statement {
    let prepared = this.prepared.get(sql);
    if (!prepared) {
      prepared = this.db.prepare(sql);
      this.prepared.set(sql, prepared);
    }
    return prepared;
  }
}
