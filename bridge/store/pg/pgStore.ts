import type pg from 'pg';
import { DispatchError } from '../../../shared/errors.js';
import type { RepoVocabulary, RoutingRepo } from '../../../shared/routing/context.js';
import type { ApprovalDecision, SessionEvent } from '../../../shared/sessions.js';
import type { ChatUser, ThreadRef } from '../../chat.js';
import type {
  ApprovalRecord, AuditEntry, CoworkReplyRecord, JobFilter, JobPatch, JobRecord, MachineListing, MachineRecord, PairingRecord, Store, StoredEvent,
} from '../store.js';
import { PgCredentials } from './pgCredentials.js';
import { PgJobs } from './pgJobs.js';
import { PgMachines } from './pgMachines.js';
import { migratePostgres, type SchemaChange } from './pgMigrations.js';
import { PgPairing } from './pgPairing.js';
import { connectionError, createPool } from './pgPool.js';
import { PgRoutingData } from './pgRoutingData.js';
import { PgWebHistory } from './pgWebHistory.js';

/** Connections reserved for deliveries, beside the main pool (README, "For a team": connections per bridge). */
const DELIVERY_LANE_SIZE = 2;

/** PostgreSQL's "disk full" (SQLSTATE class 53, insufficient resources). */
const DISK_FULL = '53100';

/**
 * The store for teams: PostgreSQL through a pool, safe with several bridges writing at
 * once (see each part). `PgStore.open` connects and migrates before anything is served.
 */
export class PgStore implements Store {
  readonly webMessages: PgWebHistory;
  readonly credentials: PgCredentials;
  private readonly jobs: PgJobs;
  private readonly machines: PgMachines;
  private readonly pairing: PgPairing;
  private readonly routing: PgRoutingData;

  private constructor(
    /** Shared with the cluster parts (presence, handled-once), so one bridge keeps one pool. */
    readonly pool: pg.Pool,
    /** What opening did to the schema (for `dispatch bridge --check` and the start log). */
    readonly schema: SchemaChange,
    /** Two connections for deliveries only (pgJobs.ts); opened on first use. */
    readonly deliveryLane: pg.Pool,
  ) {
    this.webMessages = new PgWebHistory(pool);
    this.credentials = new PgCredentials(pool);
    this.jobs = new PgJobs(pool, deliveryLane);
    this.machines = new PgMachines(pool);
    this.pairing = new PgPairing(pool);
    this.routing = new PgRoutingData(pool);
  }

  /** Connects to `url` and applies pending migrations; a refused connection or login throws a DispatchError naming the (masked) URL. */
  static async open(url: string, options: { poolSize?: number } = {}): Promise<PgStore> {
    const pool = createPool(url, options.poolSize !== undefined ? { max: options.poolSize } : {});
    try {
      const schema = await migratePostgres(pool);
      return new PgStore(pool, schema, createPool(url, { max: DELIVERY_LANE_SIZE }));
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error instanceof DispatchError ? error : connectionError(error, url);
    }
  }

  upsertMachine(machine: MachineRecord): Promise<void> {
    return this.machines.upsertMachine(machine);
  }
  getMachine(id: string): Promise<MachineRecord | undefined> {
    return this.machines.getMachine(id);
  }
  listMachines(): Promise<MachineListing[]> {
    return this.machines.listMachines();
  }
  touchMachine(id: string, lastSeenAt: number): Promise<void> {
    return this.machines.touchMachine(id, lastSeenAt);
  }

  saveRepoVocabularies(machineId: string, repos: ReadonlyArray<{ name: string; vocabulary?: RepoVocabulary }>, at: number): Promise<void> {
    return this.routing.saveRepoVocabularies(machineId, repos, at);
  }
  routingRepos(machineId: string): Promise<RoutingRepo[]> {
    return this.routing.routingRepos(machineId);
  }
  saveCoworkReply(reply: CoworkReplyRecord): Promise<void> {
    return this.routing.saveCoworkReply(reply);
  }
  getCoworkReply(id: string): Promise<CoworkReplyRecord | undefined> {
    return this.routing.getCoworkReply(id);
  }
  claimCoworkReply(id: string, jobId: string): Promise<boolean> {
    return this.routing.claimCoworkReply(id, jobId);
  }

  createPairingCode(machineId: string, code: string, expiresAt: number): Promise<void> {
    return this.pairing.createPairingCode(machineId, code, expiresAt);
  }
  consumePairingCode(code: string, now: number): Promise<string | undefined> {
    return this.pairing.consumePairingCode(code, now);
  }
  recordFailedPairing(user: ChatUser, at: number): Promise<void> {
    return this.pairing.recordFailedPairing(user, at);
  }
  countFailedPairings(user: ChatUser, since: number): Promise<number> {
    return this.pairing.countFailedPairings(user, since);
  }
  failedPairingTimes(since: number): Promise<number[]> {
    return this.pairing.failedPairingTimes(since);
  }
  countPairingCodes(machineId: string, expiringSince: number): Promise<number> {
    return this.pairing.countPairingCodes(machineId, expiringSince);
  }
  addPairing(user: ChatUser, machineId: string, at: number): Promise<void> {
    return this.pairing.addPairing(user, machineId, at);
  }
  removePairings(user: ChatUser): Promise<number> {
    return this.pairing.removePairings(user);
  }
  pairings(user: ChatUser): Promise<PairingRecord[]> {
    return this.pairing.pairings(user);
  }
  countPairings(machineId: string): Promise<number> {
    return this.pairing.countPairings(machineId);
  }
  setDefaultMachine(user: ChatUser, machineId: string): Promise<void> {
    return this.pairing.setDefaultMachine(user, machineId);
  }

  async createJob(job: JobRecord): Promise<void> {
    try {
      await this.jobs.createJob(job);
    } catch (error) {
      if ((error as { code?: string }).code === DISK_FULL) {
        throw new DispatchError('storage_full', "The bridge's database is full, so your task was not saved. Free some space on the database server and send it again.");
      }
      throw error;
    }
  }
  getJob(id: string): Promise<JobRecord | undefined> {
    return this.jobs.getJob(id);
  }
  findJobByThread(thread: ThreadRef): Promise<JobRecord | undefined> {
    return this.jobs.findJobByThread(thread);
  }
  findJobsByPrefix(owner: ChatUser, prefix: string): Promise<JobRecord[]> {
    return this.jobs.findJobsByPrefix(owner, prefix);
  }
  listJobs(filter: JobFilter): Promise<JobRecord[]> {
    return this.jobs.listJobs(filter);
  }
  /** Used by the sweep of machines linked to this bridge (bridge/cluster/linkedMachineWork.ts). Not part of `Store`. */
  machinesWithDueWork(machineIds: string[]): Promise<string[]> {
    return this.jobs.machinesWithDueWork(machineIds);
  }
  updateJob(id: string, patch: JobPatch): Promise<void> {
    return this.jobs.updateJob(id, patch);
  }
  recordEvents(jobId: string, events: SessionEvent[]): Promise<SessionEvent[]> {
    return this.jobs.recordEvents(jobId, events);
  }
  unnotifiedEvents(limit: number): Promise<StoredEvent[]> {
    return this.jobs.unnotifiedEvents(limit);
  }
  /** Used by the multi-bridge notifier (bridge/cluster/): leases untold events to one bridge. Not part of `Store`. */
  claimJobsToNotify(bridgeId: string, limit: number, leaseMs: number, now: number): Promise<string[]> {
    return this.jobs.claimJobsToNotify(bridgeId, limit, leaseMs, now);
  }
  holdNotifyClaim(bridgeId: string, jobId: string, leaseMs: number, now: number): Promise<boolean> {
    return this.jobs.holdNotifyClaim(bridgeId, jobId, leaseMs, now);
  }
  renewNotifyClaims(bridgeId: string, jobIds: string[], leaseMs: number, now: number): Promise<string[]> {
    return this.jobs.renewNotifyClaims(bridgeId, jobIds, leaseMs, now);
  }
  releaseNotifyClaim(bridgeId: string, jobId: string): Promise<void> {
    return this.jobs.releaseNotifyClaim(bridgeId, jobId);
  }
  unnotifiedEventsOf(jobId: string, limit: number): Promise<SessionEvent[]> {
    return this.jobs.unnotifiedEventsOf(jobId, limit);
  }
  markNotified(jobId: string, seq: number): Promise<void> {
    return this.jobs.markNotified(jobId, seq);
  }
  events(jobId: string): Promise<SessionEvent[]> {
    return this.jobs.events(jobId);
  }
  decideApproval(jobId: string, requestId: string, decision: ApprovalDecision, at: number): Promise<boolean> {
    return this.jobs.decideApproval(jobId, requestId, decision, at);
  }
  approval(jobId: string, requestId: string): Promise<ApprovalRecord | undefined> {
    return this.jobs.approval(jobId, requestId);
  }
  setApprovalMessage(jobId: string, requestId: string, messageId: string): Promise<void> {
    return this.jobs.setApprovalMessage(jobId, requestId, messageId);
  }
  unansweredApprovals(jobId: string): Promise<ApprovalRecord[]> {
    return this.jobs.unansweredApprovals(jobId);
  }

  async audit(entry: AuditEntry): Promise<void> {
    try {
      await this.pool.query(`INSERT INTO audit_log (at, actor, action, job_id, detail) VALUES ($1, $2, $3, $4, $5::jsonb)`, [
        entry.at, entry.actor, entry.action, entry.jobId ?? null, entry.detail ? JSON.stringify(entry.detail) : null,
      ]);
    } catch (error) {
      // A full disk must not turn an accepted task into an error: the audit line is the one thing let go.
      if ((error as { code?: string }).code !== DISK_FULL) throw error;
    }
  }

  /** The audit trail, newest last (for tests and `dispatch` tooling; not part of `Store`). */
  async auditLog(limit = 100): Promise<AuditEntry[]> {
    const { rows } = await this.pool.query(`SELECT * FROM (SELECT * FROM audit_log ORDER BY id DESC LIMIT $1) newest ORDER BY id`, [limit]);
    return rows.map((row) => ({
      at: Number(row.at),
      actor: String(row.actor),
      action: String(row.action),
      ...(row.job_id ? { jobId: String(row.job_id) } : {}),
      ...(row.detail ? { detail: row.detail as Record<string, unknown> } : {}),
    }));
  }

  async healthCheck(): Promise<{ engine: 'postgres'; ok: boolean }> {
    const ok = await this.pool.query('SELECT 1').then(() => true, () => false);
    return { engine: 'postgres', ok };
  }

  async close(): Promise<void> {
    await Promise.all([this.pool.end(), this.deliveryLane.end()]);
  }
}
