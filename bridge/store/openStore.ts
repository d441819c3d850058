import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { asDispatchError, DispatchError } from '../../shared/errors.js';
import { databasePath, type BridgeEnv } from '../config.js';
import type { SchemaChange } from './pg/pgMigrations.js';
import { maskDatabaseUrl } from './pg/pgPool.js';
import { PgStore } from './pg/pgStore.js';
import { SqliteStore } from './sqliteStore.js';

export type { SchemaChange } from './pg/pgMigrations.js';

/** The store the configuration selects, opened and migrated. */
export type OpenedStore =
  | { engine: 'sqlite'; store: SqliteStore; location: string; schema: SchemaChange }
  | { engine: 'postgres'; store: PgStore; location: string; schema: SchemaChange };

/**
 * DISPATCH_DATABASE_URL selects PostgreSQL (teams, several bridges); without it, the
 * SQLite file in DISPATCH_HOME, as always. `location` is safe to print: the password is masked.
 */
export async function openStore(config: BridgeEnv): Promise<OpenedStore> {
  if (config.DISPATCH_DATABASE_URL) {
    const store = await PgStore.open(config.DISPATCH_DATABASE_URL);
    return { engine: 'postgres', store, location: maskDatabaseUrl(config.DISPATCH_DATABASE_URL), schema: store.schema };
  }
  const file = databasePath(config);
  const before = sqliteSchemaVersion(file);
  let store: SqliteStore;
  try {
    store = new SqliteStore(file);
  } catch (error) {
    const wrapped = asDispatchError(error);
    throw /newer Dispatch/.test(wrapped.message) ? new DispatchError('bad_config', `${file}: ${wrapped.message}`) : wrapped;
  }
  const after = sqliteSchemaVersion(file);
  const applied = Array.from({ length: Math.max(0, after - before) }, (_, index) => `${before + index + 1}`);
  return { engine: 'sqlite', store, location: file, schema: { before, after, applied } };
}

/** SQLite keeps its schema version in the file's header (user_version); a missing file is version 0. */
function sqliteSchemaVersion(file: string): number {
  if (file === ':memory:' || !existsSync(file)) return 0;
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.pragma('user_version', { simple: true }) as number;
  } finally {
    db.close();
  }
}
