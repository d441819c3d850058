import { closeSync, existsSync, openSync } from 'node:fs';
import { DispatchError } from '../../shared/errors.js';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { jobFromRow, jobPatchColumns } from './jobRows.js';
import {
  ApprovalDecisionSchema,
  ApprovalRequestSchema,
  SessionEventSchema,
  SessionResultSchema,
  type ApprovalDecision,
  type SessionEvent,
  type SessionState,
} from '../../shared/sessions.js';
import type { ChatUser, ThreadRef } from '../chat.js';
import { ensureStateDir, restrictFile, SQLITE_FILES, STATE_FILE_MODE } from '../../extension/core/stateFiles.js';
import { migrate } from './migrations.js';
import { SqliteCredentials, credentialStateOf } from './sqliteCredentials.js';
import { SqliteWebHistory } from './sqliteWebHistory.js';
import { SqliteRoutingData } from './sqliteRoutingData.js';
import type { RepoVocabulary, RoutingRepo } from '../../shared/routing/context.js';
import { foldEvent } from './foldEvent.js';
import type { ApprovalRecord, AuditEntry, CoworkReplyRecord, CredentialState, JobFilter, JobPatch, JobRecord, MachineListing, MachineRecord, PairingRecord, Store, StoredEvent } from './store.js';

type Row = Record<string, unknown>;

/** The embedded store: one SQLite file in WAL mode. */
export class SqliteStore implements Store {
  readonly webMessages: SqliteWebHistory;
  readonly credentials: SqliteCredentials;
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly routing: SqliteRoutingData;

  /** `maxPages` caps the file (a quota; tests use it to fill the "disk"). */
  constructor(file: string, options: { maxPages?: number } = {}) {
    if (file !== ':memory:') {
      // Owner-only from the first byte: SQLite gives the -wal and -shm files the database's mode.
      if (!existsSync(dirname(file))) ensureStateDir(dirname(file));
      closeSync(openSync(file, 'a', STATE_FILE_MODE));
      for (const suffix of SQLITE_FILES) restrictFile(`${file}${suffix}`);
    }
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    if (file !== ':memory:') for (const suffix of SQLITE_FILES) restrictFile(`${file}${suffix}`);
    // NORMAL in WAL mode survives a process crash (kill -9); only an OS crash may lose the last commits.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    migrate(this.db);
    if (options.maxPages) this.db.pragma(`max_page_count = ${Math.floor(options.maxPages)}`);
    this.webMessages = new SqliteWebHistory(this.db);
    this.routing = new SqliteRoutingData(this.db, (machineId) => this.machineById(machineId)?.repos.map((repo) => repo.name));
    this.credentials = new SqliteCredentials(this.db);
  }

  /** Compiled once per SQL text: preparing costs more than running these small statements. */
  private statement(sql: string): Database.Statement {
    let prepared = this.statements.get(sql);
    if (!prepared) {
      prepared = this.db.prepare(sql);
      this.statements.set(sql, prepared);
    }
    return prepared;
  }

  async upsertMachine(machine: MachineRecord): Promise<void> {
    this.statement(
        `INSERT INTO machines (id, name, platform, agent, repos, last_seen_at) VALUES (@id, @name, @platform, @agent, @repos, @lastSeenAt)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, platform = excluded.platform, agent = excluded.agent,
           repos = excluded.repos, last_seen_at = excluded.last_seen_at`,
      )
      // Only name and default: a runner's repo infos may carry vocabularies, which live in their own table.
      .run({ ...machine, repos: JSON.stringify(machine.repos.map((repo) => ({ name: repo.name, default: repo.default }))) });
    this.routing.machineChanged(machine.id);
  }

  async saveRepoVocabularies(machineId: string, repos: ReadonlyArray<{ name: string; vocabulary?: RepoVocabulary }>, at: number): Promise<void> {
    this.routing.saveRepoVocabularies(machineId, repos, at);
  }

  async routingRepos(machineId: string): Promise<RoutingRepo[]> {
    return this.routing.routingRepos(machineId);
  }

  async saveCoworkReply(reply: CoworkReplyRecord): Promise<void> {
    this.routing.saveCoworkReply(reply);
  }

  async getCoworkReply(id: string): Promise<CoworkReplyRecord | undefined> {
    return this.routing.getCoworkReply(id);
  }

  async claimCoworkReply(id: string, jobId: string): Promise<boolean> {
    return this.routing.claimCoworkReply(id, jobId);
  }

  async getMachine(id: string): Promise<MachineRecord | undefined> {
    return this.machineById(id);
  }

  /** Synchronous reads for use inside a better-sqlite3 transaction (which cannot await). */
  private machineById(id: string): MachineRecord | undefined {
    const row = this.statement(`SELECT * FROM machines WHERE id = ?`).get(id) as Row | undefined;
    return row ? toMachine(row) : undefined;
  }

  async listMachines(): Promise<MachineListing[]> {
    const rows = this.statement(
      `SELECT m.*, c.revoked_at, c.confirmed_at, c.machine_id AS credential_of FROM machines m LEFT JOIN machine_credentials c ON c.machine_id = m.id ORDER BY m.last_seen_at DESC`,
    ).all() as Row[];
    return rows.map((row) => ({ ...toMachine(row), credential: row.credential_of == null ? 'none' : credentialStateOf(row) }));
  }

  async touchMachine(id: string, lastSeenAt: number): Promise<void> {
    this.statement(`UPDATE machines SET last_seen_at = ? WHERE id = ?`).run(lastSeenAt, id);
  }

  async createPairingCode(machineId: string, code: string, expiresAt: number): Promise<void> {
    this.statement(`INSERT OR REPLACE INTO pairing_codes (code, machine_id, expires_at, used_at) VALUES (?, ?, ?, NULL)`).run(code, machineId, expiresAt);
  }

  async consumePairingCode(code: string, now: number): Promise<string | undefined> {
    const row = this.statement(`UPDATE pairing_codes SET used_at = ? WHERE code = ? AND used_at IS NULL AND expires_at > ? RETURNING machine_id`)
      .get(now, code, now) as Row | undefined;
    return row ? String(row.machine_id) : undefined;
  }

  async recordFailedPairing(user: ChatUser, at: number): Promise<void> {
    this.statement(`INSERT INTO pairing_failures (platform, user_id, at) VALUES (?, ?, ?)`).run(user.platform, user.userId, at);
  }

  async countFailedPairings(user: ChatUser, since: number): Promise<number> {
    const row = this.statement(`SELECT COUNT(*) AS n FROM pairing_failures WHERE platform = ? AND user_id = ? AND at >= ?`)
      .get(user.platform, user.userId, since) as Row;
    return Number(row.n);
  }

  async failedPairingTimes(since: number): Promise<number[]> {
    const rows = this.statement(`SELECT at FROM pairing_failures WHERE at >= ? ORDER BY at`).all(since) as Row[];
    return rows.map((row) => Number(row.at));
  }

  async countPairingCodes(machineId: string, expiringSince: number): Promise<number> {
    const row = this.statement(`SELECT COUNT(*) AS n FROM pairing_codes WHERE machine_id = ? AND expires_at >= ?`).get(machineId, expiringSince) as Row;
    return Number(row.n);
  }

  async addPairing(user: ChatUser, machineId: string, at: number): Promise<void> {
    this.db.transaction(() => {
      this.statement(`INSERT INTO users (platform, user_id, display_name, first_seen_at) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET display_name = excluded.display_name`)
        .run(user.platform, user.userId, user.displayName ?? null, at);
      const hasDefault = this.pairingsOf(user).some((pairing) => pairing.isDefault);
      this.statement(`INSERT OR IGNORE INTO pairings (platform, user_id, machine_id, is_default, paired_at) VALUES (?, ?, ?, ?, ?)`)
        .run(user.platform, user.userId, machineId, hasDefault ? 0 : 1, at);
    })();
  }

  async removePairings(user: ChatUser): Promise<number> {
    return this.statement(`DELETE FROM pairings WHERE platform = ? AND user_id = ?`).run(user.platform, user.userId).changes;
  }

  async pairings(user: ChatUser): Promise<PairingRecord[]> {
    return this.pairingsOf(user);
  }

  private pairingsOf(user: ChatUser): PairingRecord[] {
    const rows = this.statement(`SELECT machine_id, is_default, paired_at FROM pairings WHERE platform = ? AND user_id = ? ORDER BY paired_at`)
      .all(user.platform, user.userId) as Row[];
    return rows.map((row) => ({ machineId: String(row.machine_id), isDefault: row.is_default === 1, pairedAt: Number(row.paired_at) }));
  }

  async countPairings(machineId: string): Promise<number> {
    return Number((this.statement(`SELECT COUNT(*) AS n FROM pairings WHERE machine_id = ?`).get(machineId) as Row).n);
  }

  async setDefaultMachine(user: ChatUser, machineId: string): Promise<void> {
    this.statement(`UPDATE pairings SET is_default = (machine_id = ?) WHERE platform = ? AND user_id = ?`)
      .run(machineId, user.platform, user.userId);
  }

  async createJob(job: JobRecord): Promise<void> {
    try {
      this.insertJob(job);
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_FULL') {
        throw new DispatchError('storage_full', "The bridge's disk is full, so your task was not saved. Free some space on the bridge and send it again.");
      }
      throw error;
    }
  }

  private insertJob(job: JobRecord): void {
    this.statement(
        `INSERT INTO jobs (id, owner_platform, owner_id, owner_name, machine_id, task, repo, agent, forced, route_reason,
           thread_platform, thread_channel, thread_id, status_message_id, delivery, state, last_seq, pending_approvals, created_at, updated_at)
         VALUES (@id, @ownerPlatform, @ownerId, @ownerName, @machineId, @task, @repo, @agent, @forced, @routeReason,
           @threadPlatform, @threadChannel, @threadId, @statusMessageId, @delivery, @state, @lastSeq, '[]', @createdAt, @updatedAt)`,
      )
      .run({
        id: job.id,
        ownerPlatform: job.owner.platform,
        ownerId: job.owner.userId,
        ownerName: job.owner.displayName ?? null,
        machineId: job.machineId,
        task: job.task,
        repo: job.repo ?? null,
        agent: job.agent ?? null,
        forced: job.forced ? 1 : 0,
        routeReason: job.routeReason,
        threadPlatform: job.thread.platform,
        threadChannel: job.thread.channelId,
        threadId: job.thread.threadId,
        statusMessageId: job.statusMessage?.messageId ?? null,
        delivery: job.delivery,
        state: job.state,
        lastSeq: job.lastSeq,
        createdAt: job.createdAt,
        updatedAt: job.updatedAt,
      });
  }

  async getJob(id: string): Promise<JobRecord | undefined> {
    return this.jobById(id);
  }

  private jobById(id: string): JobRecord | undefined {
    const row = this.statement(`SELECT * FROM jobs WHERE id = ?`).get(id) as Row | undefined;
    return row ? toJob(row) : undefined;
  }

  async findJobByThread(thread: ThreadRef): Promise<JobRecord | undefined> {
    const row = this.statement(`SELECT * FROM jobs WHERE thread_platform = ? AND thread_channel = ? AND thread_id = ? ORDER BY created_at DESC LIMIT 1`)
      .get(thread.platform, thread.channelId, thread.threadId) as Row | undefined;
    return row ? toJob(row) : undefined;
  }

  async findJobsByPrefix(owner: ChatUser, prefix: string): Promise<JobRecord[]> {
    const rows = this.statement(`SELECT * FROM jobs WHERE owner_platform = ? AND owner_id = ? AND replace(id, '-', '') LIKE ? ESCAPE '\\' ORDER BY created_at DESC LIMIT 5`)
      .all(owner.platform, owner.userId, `${prefix.replace(/[\\%_]/g, '\\$&')}%`) as Row[];
    return rows.map(toJob);
  }

  async listJobs(filter: JobFilter): Promise<JobRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.owner) {
      where.push('owner_platform = ? AND owner_id = ?');
      params.push(filter.owner.platform, filter.owner.userId);
    }
    if (filter.machineId) {
      where.push('machine_id = ?');
      params.push(filter.machineId);
    }
    if (filter.delivery) {
      where.push('delivery = ?');
      params.push(filter.delivery);
    }
    if (filter.active) where.push(`state IN ('queued', 'preparing', 'running', 'waiting_for_approval')`);
    const sql = `SELECT * FROM jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC LIMIT ?`;
    return (this.statement(sql).all(...params, filter.limit ?? 50) as Row[]).map(toJob);
  }

  async updateJob(id: string, patch: JobPatch): Promise<void> {
    const columns = jobPatchColumns(patch);
    if (columns.length === 0) return;
    this.statement(`UPDATE jobs SET ${columns.map(([column]) => `${column} = ?`).join(', ')} WHERE id = ?`).run(...columns.map(([, value]) => value), id);
  }


  async recordEvents(jobId: string, events: SessionEvent[]): Promise<SessionEvent[]> {
    const insert = this.statement(`INSERT OR IGNORE INTO job_events (job_id, seq, kind, body, at) VALUES (?, ?, ?, ?, ?)`);
    const saveApproval = this.statement(`INSERT OR IGNORE INTO approvals (job_id, request_id, request) VALUES (?, ?, ?)`);
    return this.db.transaction(() => {
      const job = this.jobById(jobId);
      if (!job) return [];
      const fresh: SessionEvent[] = [];
      for (const event of [...events].sort((a, b) => a.seq - b.seq)) {
        if (insert.run(jobId, event.seq, event.kind, JSON.stringify(event), event.at).changes === 0) continue;
        fresh.push(event);
        foldEvent(job, event);
        if (event.kind === 'approval_requested') saveApproval.run(jobId, event.request.requestId, JSON.stringify(event.request));
      }
      if (fresh.length > 0) {
        this.statement(`UPDATE jobs SET state = ?, repo = ?, branch = ?, worktree = ?, last_seq = ?, result = ?, pending_approvals = ?, delivery = ?, updated_at = ? WHERE id = ?`)
          .run(
            job.state,
            job.repo ?? null,
            job.branch ?? null,
            job.worktree ?? null,
            job.lastSeq,
            job.result ? JSON.stringify(job.result) : null,
            JSON.stringify(job.pendingApprovals),
            job.delivery,
            job.updatedAt,
            jobId,
          );
      }
      return fresh;
    })();
  }

  async unnotifiedEvents(limit: number): Promise<StoredEvent[]> {
    const rows = this.statement(`SELECT job_id, body FROM job_events WHERE notified = 0 ORDER BY at, job_id, seq LIMIT ?`).all(limit) as Row[];
    return rows.map((row) => ({ jobId: String(row.job_id), event: SessionEventSchema.parse(JSON.parse(String(row.body))) }));
  }

  async markNotified(jobId: string, seq: number): Promise<void> {
    this.statement(`UPDATE job_events SET notified = 1 WHERE job_id = ? AND seq = ?`).run(jobId, seq);
  }

  // One bridge owns the file: every claim is its own, so a claim is just "which jobs have untold events".
  async claimJobsToNotify(_bridgeId: string, limit: number): Promise<string[]> {
    const rows = this.statement(`SELECT job_id, min(at) AS first FROM job_events WHERE notified = 0 GROUP BY job_id ORDER BY first LIMIT ?`).all(limit) as Row[];
    return rows.map((row) => String(row.job_id));
  }

  async holdNotifyClaim(): Promise<boolean> {
    return true;
  }

  async renewNotifyClaims(_bridgeId: string, jobIds: string[]): Promise<string[]> {
    return jobIds;
  }

  async releaseNotifyClaim(): Promise<void> {}

  async unnotifiedEventsOf(jobId: string, limit: number): Promise<SessionEvent[]> {
    const rows = this.statement(`SELECT body FROM job_events WHERE job_id = ? AND notified = 0 ORDER BY seq LIMIT ?`).all(jobId, limit) as Row[];
    return rows.map((row) => SessionEventSchema.parse(JSON.parse(String(row.body))));
  }

  async events(jobId: string): Promise<SessionEvent[]> {
    const rows = this.statement(`SELECT body FROM job_events WHERE job_id = ? ORDER BY seq`).all(jobId) as Row[];
    return rows.map((row) => SessionEventSchema.parse(JSON.parse(String(row.body))));
  }

  async decideApproval(jobId: string, requestId: string, decision: ApprovalDecision, at: number): Promise<boolean> {
    const result = this.statement(`UPDATE approvals SET decision = ?, decided_by = ?, decided_at = ? WHERE job_id = ? AND request_id = ? AND decision IS NULL`)
      .run(JSON.stringify(decision), decision.decidedBy ?? null, at, jobId, requestId);
    return result.changes === 1;
  }

  async approval(jobId: string, requestId: string): Promise<ApprovalRecord | undefined> {
    const row = this.statement(`SELECT * FROM approvals WHERE job_id = ? AND request_id = ?`).get(jobId, requestId) as Row | undefined;
    return row ? toApproval(row) : undefined;
  }

  async setApprovalMessage(jobId: string, requestId: string, messageId: string): Promise<void> {
    this.statement(`UPDATE approvals SET message_id = ? WHERE job_id = ? AND request_id = ?`).run(messageId, jobId, requestId);
  }

  async unansweredApprovals(jobId: string): Promise<ApprovalRecord[]> {
    return (this.statement(`SELECT * FROM approvals WHERE job_id = ? AND decision IS NULL`).all(jobId) as Row[]).map(toApproval);
  }


  async audit(entry: AuditEntry): Promise<void> {
    try {
      this.insertAudit(entry);
    } catch (error) {
      // A full disk must not turn an accepted task into an error: the audit line is the one thing let go.
      if ((error as { code?: string }).code !== 'SQLITE_FULL') throw error;
    }
  }

  private insertAudit(entry: AuditEntry): void {
    this.statement(`INSERT INTO audit_log (at, actor, action, job_id, detail) VALUES (?, ?, ?, ?, ?)`)
      .run(entry.at, entry.actor, entry.action, entry.jobId ?? null, entry.detail ? JSON.stringify(entry.detail) : null);
  }

  async healthCheck(): Promise<{ engine: 'sqlite'; ok: boolean }> {
    let ok = true;
    try {
      this.statement('SELECT 1').get();
    } catch {
      ok = false;
    }
    return { engine: 'sqlite', ok };
  }

  async close(): Promise<void> {
    this.db.close();
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

function toApproval(row: Row): ApprovalRecord {
  return {
    jobId: String(row.job_id),
    request: ApprovalRequestSchema.parse(JSON.parse(String(row.request))),
    ...(row.decision ? { decision: ApprovalDecisionSchema.parse(JSON.parse(String(row.decision))), decidedAt: Number(row.decided_at) } : {}),
    ...(row.message_id ? { messageId: String(row.message_id) } : {}),
  };
}

/** SQLite keeps JSON as text and booleans as 0/1. */
const sqliteColumns = { json: (value: unknown) => JSON.parse(String(value)) as unknown, flag: (value: unknown) => value === 1 };

function toJob(row: Row): JobRecord {
  return jobFromRow(row, sqliteColumns);
}
