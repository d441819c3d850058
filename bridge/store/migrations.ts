import type Database from 'better-sqlite3';

/**
 * Versioned schema changes, applied in order inside one transaction each. Never edit a
 * released migration: add the next one.
 */
const MIGRATIONS: string[] = [
  `
  CREATE TABLE users (
    platform TEXT NOT NULL, user_id TEXT NOT NULL, display_name TEXT,
    first_seen_at INTEGER NOT NULL,
    PRIMARY KEY (platform, user_id)
  );
  CREATE TABLE machines (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, platform TEXT NOT NULL, agent TEXT NOT NULL,
    repos TEXT NOT NULL, last_seen_at INTEGER NOT NULL
  );
  CREATE TABLE pairing_codes (
    code TEXT PRIMARY KEY, machine_id TEXT NOT NULL, expires_at INTEGER NOT NULL, used_at INTEGER
  );
  CREATE TABLE pairing_failures (
    platform TEXT NOT NULL, user_id TEXT NOT NULL, at INTEGER NOT NULL
  );
  CREATE INDEX pairing_failures_user ON pairing_failures (platform, user_id, at);
  CREATE TABLE pairings (
    platform TEXT NOT NULL, user_id TEXT NOT NULL, machine_id TEXT NOT NULL,
    is_default INTEGER NOT NULL, paired_at INTEGER NOT NULL,
    PRIMARY KEY (platform, user_id, machine_id)
  );
  CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    owner_platform TEXT NOT NULL, owner_id TEXT NOT NULL, owner_name TEXT,
    machine_id TEXT NOT NULL, task TEXT NOT NULL, repo TEXT, agent TEXT,
    forced INTEGER NOT NULL, route_reason TEXT NOT NULL,
    thread_platform TEXT NOT NULL, thread_channel TEXT NOT NULL, thread_id TEXT NOT NULL,
    status_message_id TEXT,
    delivery TEXT NOT NULL, state TEXT NOT NULL, branch TEXT, worktree TEXT,
    last_seq INTEGER NOT NULL DEFAULT 0, result TEXT, pending_approvals TEXT NOT NULL DEFAULT '[]',
    created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL
  );
  CREATE INDEX jobs_thread ON jobs (thread_platform, thread_channel, thread_id);
  CREATE INDEX jobs_owner ON jobs (owner_platform, owner_id, created_at);
  CREATE INDEX jobs_machine ON jobs (machine_id, delivery);
  CREATE TABLE job_events (
    job_id TEXT NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL, body TEXT NOT NULL,
    at INTEGER NOT NULL, notified INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (job_id, seq)
  );
  CREATE INDEX job_events_unnotified ON job_events (notified) WHERE notified = 0;
  CREATE TABLE approvals (
    job_id TEXT NOT NULL, request_id TEXT NOT NULL, request TEXT NOT NULL,
    decision TEXT, decided_by TEXT, decided_at INTEGER,
    PRIMARY KEY (job_id, request_id)
  );
  CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, actor TEXT NOT NULL,
    action TEXT NOT NULL, job_id TEXT, detail TEXT
  );
  CREATE TABLE web_messages (
    id TEXT PRIMARY KEY, thread_id TEXT NOT NULL, body TEXT NOT NULL, at INTEGER NOT NULL
  );
  CREATE INDEX web_messages_at ON web_messages (at);
  `,
  // 2: where each approval request was posted, so it can be closed when answered elsewhere or moot.
  `
  ALTER TABLE approvals ADD COLUMN message_id TEXT;
  `,
  // 3: each machine's own credential (only its SHA-256 is kept), given when it first registers
  // with the shared registration token; confirmed once the machine shows it received it; a
  // revoked one stays, so the machine is told why.
  `
  CREATE TABLE machine_credentials (
    machine_id TEXT PRIMARY KEY, secret_hash TEXT NOT NULL UNIQUE,
    issued_at INTEGER NOT NULL, confirmed_at INTEGER, revoked_at INTEGER
  );
  `,
  // 4 (issue 12): each repository's vocabulary, sent by its runner for the router; and every
  // Cowork reply's question, so "Run as a Code session" works after a restart.
  `
  CREATE TABLE repo_vocabularies (
    machine_id TEXT NOT NULL, repo TEXT NOT NULL, terms TEXT NOT NULL, updated_at INTEGER NOT NULL,
    PRIMARY KEY (machine_id, repo)
  );
  CREATE TABLE cowork_replies (
    id TEXT PRIMARY KEY,
    owner_platform TEXT NOT NULL, owner_id TEXT NOT NULL, owner_name TEXT,
    thread_platform TEXT NOT NULL, thread_channel TEXT NOT NULL, thread_id TEXT NOT NULL,
    text TEXT NOT NULL, answer TEXT NOT NULL, job_id TEXT, created_at INTEGER NOT NULL
  );
  CREATE INDEX cowork_replies_created ON cowork_replies (created_at);
  `,
];

/** Brings the database to the newest schema; returns the version it is at. */
export function migrate(db: Database.Database): number {
  let version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    throw new Error(`The database is from a newer Dispatch (schema ${version}; this one knows ${MIGRATIONS.length}). Upgrade Dispatch.`);
  }
  while (version < MIGRATIONS.length) {
    const next = version + 1;
    db.transaction(() => {
      db.exec(MIGRATIONS[version]!);
      db.pragma(`user_version = ${next}`);
    })();
    version = next;
  }
  return version;
}
