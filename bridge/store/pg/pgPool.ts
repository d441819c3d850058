import pg from 'pg';
import { DispatchError } from '../../../shared/errors.js';

export type Row = Record<string, unknown>;

/** What runs a query: the pool, or one client inside a transaction. */
export type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

// int8 (bigint) columns hold millisecond timestamps and counts, well inside a double: read them as numbers.
const INT8_OID = 20;
const readInt8 = (value: string): number => Number(value);

/** A pool whose connection errors surface as messages a person can act on (never the password). */
export function createPool(url: string, options: { max?: number } = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    connectionTimeoutMillis: 10_000,
    types: { getTypeParser: (oid, format) => (oid === INT8_OID ? readInt8 : pg.types.getTypeParser(oid, format)) } as pg.CustomTypesConfig,
  });
  // An idle client's connection dying (the server restarted) must not crash the bridge; the next query reconnects.
  pool.on('error', () => undefined);
  return pool;
}

/** Runs `work` in one transaction on one client: committed when it returns, rolled back when it throws. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
    throw error;
  } finally {
    // A client whose rollback failed is in an unknown state: destroy it rather than reuse it.
    client.release(broken);
  }
}

/** The URL with its password replaced, for logs and messages. */
export function maskDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    parsed.searchParams.forEach((_value, key) => {
      if (/pass|secret|key/i.test(key)) parsed.searchParams.set(key, '***');
    });
    return parsed.toString();
  } catch {
    return 'postgres://(unreadable URL)';
  }
}

/**
 * A failed connection in words: where (password masked) and why. node-postgres reports
 * refused connections, unknown hosts, bad passwords and missing databases differently.
 */
export function connectionError(error: unknown, url: string): DispatchError {
  const where = maskDatabaseUrl(url);
  const code = (error as { code?: string }).code;
  // Errors rarely quote the URL, but one that did must not carry its password into a log.
  const password = URL.canParse(url) ? decodeURIComponent(new URL(url).password) : '';
  const raw = error instanceof Error ? error.message : String(error);
  const reason = (password ? raw.split(password).join('***') : raw).split(url).join(where);
  if (code === '28P01' || code === '28000') return new DispatchError('unauthorized', `PostgreSQL at ${where} refused the login: ${reason}. Check the user and password in DISPATCH_DATABASE_URL.`);
  if (code === '3D000') return new DispatchError('bad_config', `PostgreSQL at ${where}: ${reason}. Create the database first (createdb), or fix DISPATCH_DATABASE_URL.`);
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'ETIMEDOUT' || /timeout/i.test(reason)) {
    return new DispatchError('offline', `Cannot reach PostgreSQL at ${where} (${reason}). Is the server running, and is DISPATCH_DATABASE_URL right?`);
  }
  return new DispatchError('internal', `PostgreSQL at ${where} failed: ${reason}`);
}
