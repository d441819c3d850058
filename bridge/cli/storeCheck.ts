import { asDispatchError } from '../../shared/errors.js';
import type { BridgeEnv } from '../config.js';
import { openStore } from '../store/openStore.js';
import { writeLine, type CliIo } from './io.js';

/**
 * `dispatch bridge --check`: opens the configured store, applies pending migrations, says
 * what it found and exits without serving. 0 when the database is ready, 1 when it is not
 * (unreachable, login refused, newer schema).
 */
export async function runStoreCheck(config: BridgeEnv, io: CliIo): Promise<number> {
  let opened;
  try {
    opened = await openStore(config);
  } catch (error) {
    writeLine(io.stderr, `dispatch bridge --check: ${asDispatchError(error).message}`);
    return 1;
  }
  try {
    const { engine, location, schema } = opened;
    writeLine(io.stdout, `Store: ${engine === 'postgres' ? 'PostgreSQL' : 'SQLite'} at ${location}`);
    writeLine(io.stdout, `Schema version: ${schema.before} → ${schema.after}`);
    if (schema.applied.length === 0) writeLine(io.stdout, 'Migrations: up to date.');
    else writeLine(io.stdout, `Migrations applied: ${schema.applied.join(', ')}`);
    return 0;
  } finally {
    await opened.store.close();
  }
}
