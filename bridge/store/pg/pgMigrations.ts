import type pg from 'pg';
import { DispatchError } from '../../../shared/errors.js';
import { inTransaction } from './pgPool.js';

export interface PgMigration {
  version: number;
  name: string;
  sql: string;
}

/** What a start (or `dispatch bridge --check`) found and did to the schema. */
export interface SchemaChange {
  before: number;
  after: number;
  /** The migrations applied now, in order ("1 initial schema"); empty when up to date. */
  applied: string[];
}

/**
 * Versioned schema changes, in order. Never edit a released migration: add the next one.
 * Timestamps are bigint milliseconds; JSON is jsonb.
 */
export const PG_MIGRATIONS: PgMigration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
    CREATE TABLE users (
      platform text NOT NULL, user_id text NOT NULL, display_name text, first_seen_at bigint NOT NULL,
      PRIMARY KEY (platform, user_id)
    );
    CREATE TABLE machines (
      id text PRIMARY KEY, name text NOT NULL, platform text NOT NULL, agent text NOT NULL,
      repos jsonb NOT NULL, last_seen_at bigint NOT NULL
    );
    CREATE TABLE machine_credentials (
      machine_id text PRIMARY KEY, secret_hash text NOT NULL UNIQUE,
      issued_at bigint NOT NULL, confirmed_at bigint, revoked_at bigint
    );
    CREATE TABLE repo_vocabularies (
      machine_id text NOT NULL, repo text NOT NULL, terms jsonb NOT NULL, updated_at bigint NOT NULL,
      PRIMARY KEY (machine_id, repo)
    );
    CREATE TABLE pairing_codes (
      code text PRIMARY KEY, machine_id text NOT NULL, expires_at bigint NOT NULL, used_at bigint
    );
    CREATE INDEX pairing_codes_machine ON pairing_codes (machine_id, expires_at);
    CREATE TABLE pairing_failures (platform text NOT NULL, user_id text NOT NULL, at bigint NOT NULL);
    CREATE INDEX pairing_failures_user ON pairing_failures (platform, user_id, at);
    CREATE INDEX pairing_failures_at ON pairing_failures (at);
    CREATE TABLE pairings (
      platform text NOT NULL, user_id text NOT NULL, machine_id text NOT NULL,
      is_default boolean NOT NULL, paired_at bigint NOT NULL,
      PRIMARY KEY (platform, user_id, machine_id)
    );
    CREATE INDEX pairings_machine ON pairings (machine_id);
    CREATE TABLE jobs (
      id text PRIMARY KEY,
      owner_platform text NOT NULL, owner_id text NOT NULL, owner_name text,
      machine_id text NOT NULL, task text NOT NULL, repo text, agent text,
      forced boolean NOT NULL, route_reason text NOT NULL,
      thread_platform text NOT NULL, thread_channel text NOT NULL, thread_id text NOT NULL,
      status_message_id text,
      delivery text NOT NULL, state text NOT NULL, branch text, worktree text,
      last_seq bigint NOT NULL DEFAULT 0, result jsonb, pending_approvals jsonb NOT NULL DEFAULT '[]',
      created_at bigint NOT NULL, updated_at bigint NOT NULL
    );
    CREATE INDEX jobs_thread ON jobs (thread_platform, thread_channel, thread_id, created_at);
    CREATE INDEX jobs_owner ON jobs (owner_platform, owner_id, created_at);
    CREATE INDEX jobs_machine ON jobs (machine_id, delivery);
    -- claimed_by / claimed_until: a bridge's lease on telling an event (the notifier across bridges).
    CREATE TABLE job_events (
      job_id text NOT NULL, seq bigint NOT NULL, kind text NOT NULL, body jsonb NOT NULL,
      at bigint NOT NULL, notified boolean NOT NULL DEFAULT false,
      claimed_by text, claimed_until bigint,
      PRIMARY KEY (job_id, seq)
    );
    CREATE INDEX job_events_unnotified ON job_events (at, job_id, seq) WHERE NOT notified;
    CREATE TABLE approvals (
      job_id text NOT NULL, request_id text NOT NULL, request jsonb NOT NULL,
      decision jsonb, decided_by text, decided_at bigint, message_id text,
      PRIMARY KEY (job_id, request_id)
    );
    CREATE TABLE audit_log (
      id bigserial PRIMARY KEY, at bigint NOT NULL, actor text NOT NULL,
      action text NOT NULL, job_id text, detail jsonb
    );
    -- position keeps a message's place when it is edited (SQLite's rowid).
    CREATE TABLE web_messages (
      position bigserial NOT NULL, id text PRIMARY KEY, thread_id text NOT NULL, body jsonb NOT NULL, at bigint NOT NULL
    );
    CREATE INDEX web_messages_position ON web_messages (position);
    CREATE INDEX web_messages_thread ON web_messages (thread_id);
    CREATE TABLE cowork_replies (
      id text PRIMARY KEY,
      owner_platform text NOT NULL, owner_id text NOT NULL, owner_name text,
      thread_platform text NOT NULL, thread_channel text NOT NULL, thread_id text NOT NULL,
      text text NOT NULL, answer text NOT NULL, job_id text, claimed_at bigint, created_at bigint NOT NULL
    );
    CREATE INDEX cowork_replies_created ON cowork_replies (created_at);
    -- For several bridges on one database (bridge/cluster/): who is alive, and chat events already handled.
    CREATE TABLE bridges (id text PRIMARY KEY, url text, started_at bigint, last_seen_at bigint);
    CREATE TABLE chat_events_seen (
      platform text NOT NULL, event_id text NOT NULL, bridge_id text, seen_at bigint,
      PRIMARY KEY (platform, event_id)
    );
    `,
  },
  {
    version: 2,
    name: 'machine links across bridges',
    sql: `
    -- Which bridge holds a machine's live link (bridge/cluster/machinePresence.ts). A row of a
    -- bridge no longer fresh in \`bridges\` counts as offline: a killed bridge cannot clean up.
    CREATE TABLE machine_links (machine_id text PRIMARY KEY, bridge_id text NOT NULL, connected_at bigint NOT NULL);
    CREATE INDEX machine_links_bridge ON machine_links (bridge_id);
    -- Work one bridge asks of a machine linked to another (bridge/cluster/machineRequests.ts):
    -- taken once by the holder, answered in place, read and removed by the asker.
    CREATE TABLE machine_requests (
      id bigserial PRIMARY KEY, machine_id text NOT NULL, job_id text, kind text NOT NULL,
      payload jsonb NOT NULL, created_at bigint NOT NULL,
      taken_by text, answered_at bigint, answer jsonb
    );
    CREATE INDEX machine_requests_open ON machine_requests (machine_id, id) WHERE taken_by IS NULL;
    CREATE INDEX machine_requests_created ON machine_requests (created_at);
    `,
  },
  {
    version: 3,
    name: 'notifier job claims',
    sql: `
    -- One row per job a bridge is telling: that bridge alone posts the job's events (in seq
    -- order) and edits its status message, until its lease (until, ms) runs out.
    CREATE TABLE notify_claims (job_id text PRIMARY KEY, bridge_id text NOT NULL, until bigint NOT NULL);
    CREATE INDEX notify_claims_bridge ON notify_claims (bridge_id);
    `,
  },
  {
    version: 4,
    name: 'dead bridges, link notices and pruning',
    sql: `
    -- A bridge that holds a session advisory lock says so: the others count it alive only while
    -- the lock is granted (its connection is up), so kill -9 shows at once (bridge/cluster/).
    ALTER TABLE bridges ADD COLUMN session_lock boolean NOT NULL DEFAULT false;
    CREATE INDEX bridges_last_seen ON bridges (last_seen_at);
    -- One row per job whose thread was told its machine went offline (by any bridge): the insert
    -- decides who tells it, and the delete when the machine is back decides who says so.
    CREATE TABLE link_notices (job_id text PRIMARY KEY, machine_id text NOT NULL, bridge_id text NOT NULL, told_at bigint NOT NULL);
    CREATE INDEX link_notices_machine ON link_notices (machine_id);
    -- The unfinished jobs, which the look for untold offline machines reads on every beat.
    CREATE INDEX jobs_open ON jobs (machine_id) WHERE delivery IN ('waiting', 'accepted');
    -- For the periodic prune (bridge/cluster/staleRows.ts).
    CREATE INDEX chat_events_seen_at ON chat_events_seen (seen_at);
    CREATE INDEX notify_claims_until ON notify_claims (until);
    CREATE INDEX machine_requests_answered ON machine_requests (answered_at) WHERE answered_at IS NOT NULL;
    `,
  },
  {
    version: 5,
    name: 'bridge timings',
    sql: `
    -- The timings each bridge runs with (DISPATCH_CLUSTER_BEAT_MS …, setting → ms): a bridge
    -- that starts beside a peer with other values warns, and /healthz lists the mismatch.
    ALTER TABLE bridges ADD COLUMN timings jsonb;
    `,
  },
];

/** Any constant both bridges agree on: the advisory lock that serializes migrations ("dsp" + 1). */
const MIGRATION_LOCK = 0x64_73_70_01;

/**
 * Brings the database to the newest schema known here. Two bridges starting at once
 * queue on a transaction-level advisory lock, so the second finds the work done; a
 * failed migration rolls back entirely. A database from a newer Dispatch is refused.
 */
export async function migratePostgres(pool: pg.Pool, migrations: PgMigration[] = PG_MIGRATIONS): Promise<SchemaChange> {
  return inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)`);
    const before = Number((await client.query(`SELECT coalesce(max(version), 0) AS version FROM schema_migrations`)).rows[0].version);
    const known = migrations.length === 0 ? 0 : migrations[migrations.length - 1]!.version;
    if (before > known) {
      throw new DispatchError('bad_config', `The database is from a newer Dispatch (schema ${before}; this one knows ${known}). Upgrade Dispatch.`);
    }
    const applied: string[] = [];
    for (const migration of migrations) {
      if (migration.version <= before) continue;
      await client.query(migration.sql);
      await client.query(`INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`, [migration.version, migration.name, Date.now()]);
      applied.push(`${migration.version} ${migration.name}`);
    }
    return { before, after: Math.max(before, known), applied };
  });
}
