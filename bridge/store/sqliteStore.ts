import type Database from 'better-sqlite3';
import type { ApprovalDecision, SessionEvent } from '../../shared/sessions.js';
import type { ChatUser, ThreadRef } from '../chat.js';
import type { RepoVocabulary, RoutingRepo } from '../../shared/routing/context.js';
import { openSqliteFile } from './sqliteFile.js';
import { SqliteStatements } from './sqliteStatements.js';
import { SqliteCredentials } from './sqliteCredentials.js';
import { SqliteWebHistory } from './sqliteWebHistory.js';
import { SqliteRoutingData } from './sqliteRoutingData.js';
import { SqliteMachines } from './sqliteMachines.js';
import { SqlitePairings } from './sqlitePairings.js';
import { SqliteJobs } from './sqliteJobs.js';
import { SqliteEvents } from './sqliteEvents.js';
import { SqliteApprovals } from './sqliteApprovals.js';
import type { ApprovalRecord, AuditEntry, CoworkReplyRecord, JobFilter, JobPatch, JobRecord, MachineListing, MachineRecord, PairingRecord, Store, StoredEvent } from './store.js';

/**
 * The embedded store: one SQLite file in WAL mode (sqliteFile.ts). Each table group has
 * its own part (machines, pairings, jobs, events, approvals, routing data, credentials,
 * web history); this class is the `Store` they make together.
 */
export class SqliteStore implements Store {
  readonly webMessages: SqliteWebHistory;
  readonly credentials: SqliteCredentials;
  private readonly db: Database.Database;
  private readonly sql: SqliteStatements;
  private readonly routing: SqliteRoutingData;
  private readonly machines: SqliteMachines;
  private readonly pairingRows: SqlitePairings;
  private readonly jobs: SqliteJobs;
  private readonly jobEvents: SqliteEvents;
  private readonly approvals: SqliteApprovals;

  /** `maxPages` caps the file (a quota; tests use it to fill the "disk"). */
  constructor(file: string, options: { maxPages?: number } = {}) {
    this.db = openSqliteFile(file, options);
    this.sql = new SqliteStatements(this.db);
    this.webMessages = new SqliteWebHistory(this.db);
    this.machines = new SqliteMachines(this.sql);
    this.routing = new SqliteRoutingData(this.db, (machineId) => this.machines.byId(machineId)?.repos.map((repo) => repo.name));
    this.credentials = new SqliteCredentials(this.sql);
    this.pairingRows = new SqlitePairings(this.sql);
    this.jobs = new SqliteJobs(this.sql);
    this.jobEvents = new SqliteEvents(this.sql, this.jobs);
    this.approvals = new SqliteApprovals(this.sql);
  }

  async upsertMachine(machine: MachineRecord): Promise<void> {
    this.machines.upsert(machine);
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
    return this.machines.byId(id);
  }

  async listMachines(): Promise<MachineListing[]> {
    return this.machines.list();
  }

  async touchMachine(id: string, lastSeenAt: number): Promise<void> {
    this.machines.touch(id, lastSeenAt);
  }

  async createPairingCode(machineId: string, code: string, expiresAt: number): Promise<void> {
    this.pairingRows.createCode(machineId, code, expiresAt);
  }

  async consumePairingCode(code: string, now: number): Promise<string | undefined> {
    return this.pairingRows.consumeCode(code, now);
  }

  async recordFailedPairing(user: ChatUser, at: number): Promise<void> {
    this.pairingRows.recordFailure(user, at);
  }

  async countFailedPairings(user: ChatUser, since: number): Promise<number> {
    return this.pairingRows.countFailures(user, since);
  }

  async failedPairingTimes(since: number): Promise<number[]> {
    return this.pairingRows.failureTimes(since);
  }

  async countPairingCodes(machineId: string, expiringSince: number): Promise<number> {
    return this.pairingRows.countCodes(machineId, expiringSince);
  }

  async addPairing(user: ChatUser, machineId: string, at: number): Promise<void> {
    this.pairingRows.add(user, machineId, at);
  }

  async removePairings(user: ChatUser): Promise<number> {
    return this.pairingRows.removeAll(user);
  }

  async pairings(user: ChatUser): Promise<PairingRecord[]> {
    return this.pairingRows.of(user);
  }

  async countPairings(machineId: string): Promise<number> {
    return this.pairingRows.countOf(machineId);
  }

  async setDefaultMachine(user: ChatUser, machineId: string): Promise<void> {
    this.pairingRows.setDefault(user, machineId);
  }

  async createJob(job: JobRecord): Promise<void> {
    this.jobs.create(job);
  }

  async getJob(id: string): Promise<JobRecord | undefined> {
    return this.jobs.byId(id);
  }

  async findJobByThread(thread: ThreadRef): Promise<JobRecord | undefined> {
    return this.jobs.byThread(thread);
  }

  async findJobsByPrefix(owner: ChatUser, prefix: string): Promise<JobRecord[]> {
    return this.jobs.byPrefix(owner, prefix);
  }

  async listJobs(filter: JobFilter): Promise<JobRecord[]> {
    return this.jobs.list(filter);
  }

  async updateJob(id: string, patch: JobPatch): Promise<void> {
    this.jobs.update(id, patch);
  }

  async recordEvents(jobId: string, events: SessionEvent[]): Promise<SessionEvent[]> {
    return this.jobEvents.record(jobId, events);
  }

  async unnotifiedEvents(limit: number): Promise<StoredEvent[]> {
    return this.jobEvents.unnotified(limit);
  }

  async markNotified(jobId: string, seq: number): Promise<void> {
    this.jobEvents.markNotified(jobId, seq);
  }

  // One bridge owns the file: every claim is its own, so a claim is just "which jobs have untold events".
  async claimJobsToNotify(_bridgeId: string, limit: number): Promise<string[]> {
    return this.jobEvents.jobsToNotify(limit);
  }

  async holdNotifyClaim(): Promise<boolean> {
    return true;
  }

  async renewNotifyClaims(_bridgeId: string, jobIds: string[]): Promise<string[]> {
    return jobIds;
  }

  async releaseNotifyClaim(): Promise<void> {}

  async unnotifiedEventsOf(jobId: string, limit: number): Promise<SessionEvent[]> {
    return this.jobEvents.unnotifiedOf(jobId, limit);
  }

  async events(jobId: string): Promise<SessionEvent[]> {
    return this.jobEvents.of(jobId);
  }

  async decideApproval(jobId: string, requestId: string, decision: ApprovalDecision, at: number): Promise<boolean> {
    return this.approvals.decide(jobId, requestId, decision, at);
  }

  async approval(jobId: string, requestId: string): Promise<ApprovalRecord | undefined> {
    return this.approvals.get(jobId, requestId);
  }

  async setApprovalMessage(jobId: string, requestId: string, messageId: string): Promise<void> {
    this.approvals.setMessage(jobId, requestId, messageId);
  }

  async unansweredApprovals(jobId: string): Promise<ApprovalRecord[]> {
    return this.approvals.unanswered(jobId);
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
    this.sql.statement(`INSERT INTO audit_log (at, actor, action, job_id, detail) VALUES (?, ?, ?, ?, ?)`)
      .run(entry.at, entry.actor, entry.action, entry.jobId ?? null, entry.detail ? JSON.stringify(entry.detail) : null);
  }

  async healthCheck(): Promise<{ engine: 'sqlite'; ok: boolean }> {
    let ok = true;
    try {
      this.sql.statement('SELECT 1').get();
    } catch {
      ok = false;
    }
    return { engine: 'sqlite', ok };
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
