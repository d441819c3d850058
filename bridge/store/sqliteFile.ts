import { closeSync, existsSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { ensureStateDir, restrictFile, SQLITE_FILES, STATE_FILE_MODE } from '../../extension/core/stateFiles.js';
import { migrate } from './migrations.js';

/**
 * Opens (or creates) the bridge's SQLite file owner-only, in WAL mode, migrated to the
 * current schema. `maxPages` caps the file (a quota; tests use it to fill the "disk").
 */
export function openSqliteFile(file: string, options: { maxPages?: number } = {}): Database.Database {
  if (file !== ':memory:') {
    // Owner-only from the first byte: SQLite gives the -wal and -shm files the database's mode.
    if (!existsSync(dirname(file))) ensureStateDir(dirname(file));
    closeSync(openSync(file, 'a', STATE_FILE_MODE));
    for (const suffix of SQLITE_FILES) restrictFile(`${file}${suffix}`);
  }
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  if (file !== ':memory:') for (const suffix of SQLITE_FILES) restrictFile(`${file}${suffix}`);
  // NORMAL in WAL mode survives a process crash (kill -9); only an OS crash may lose the last commits.
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  if (options.maxPages) db.pragma(`max_page_count = ${Math.floor(options.maxPages)}`);
  return db;
}
