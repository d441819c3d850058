import pg from 'pg';

/**
 * The cluster tables as the PgStore's migration 1 creates them. Until that store is
 * merged, cluster tests create them here; IF NOT EXISTS keeps it harmless afterwards.
 */
export const CLUSTER_TABLES_DDL = [
  'CREATE TABLE IF NOT EXISTS bridges (id text PRIMARY KEY, url text, started_at bigint, last_seen_at bigint, session_lock boolean NOT NULL DEFAULT false)',
  'CREATE TABLE IF NOT EXISTS chat_events_seen (platform text, event_id text, bridge_id text, seen_at bigint, PRIMARY KEY (platform, event_id))',
];

export async function createClusterTables(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const statement of CLUSTER_TABLES_DDL) await client.query(statement);
  } finally {
    await client.end();
  }
}

/** Ends the server sessions whose application_name starts with `prefix`, as a crash or failover would; returns how many. */
export async function terminateSessions(url: string, prefix: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<{ pid: number }>('SELECT pg_terminate_backend(pid) AS pid FROM pg_stat_activity WHERE application_name LIKE $1 AND pid <> pg_backend_pid()', [`${prefix}%`]);
    return result.rowCount ?? 0;
  } finally {
    await client.end();
  }
}
