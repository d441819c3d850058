import type pg from 'pg';
import { SessionEventSchema, type ApprovalDecision, type SessionEvent } from '../../../shared/sessions.js';
import type { ChatUser, ThreadRef } from '../../chat.js';
import { foldEvent } from '../foldEvent.js';
import type { ApprovalRecord, JobFilter, JobPatch, JobRecord, StoredEvent } from '../store.js';
import { inTransaction, type Row } from './pgPool.js';
import { toApproval, toJob } from './pgRows.js';
import { jobPatchColumns } from '../jobRows.js';

const ACTIVE_STATES = ['queued', 'preparing', 'running', 'waiting_for_approval'];

/**
 * Jobs, their session events and approvals in PostgreSQL. Correct with several bridges
 * writing: events are unique by (job, seq) and folded under the job row's lock; a
 * decision is a conditional update.
 */
export class PgJobs {
  constructor(
    private readonly pool: pg.Pool,
    /**
     * A few connections of their own for a job's delivery (accepted, rejected): the runner is
     * waiting on it, and it must not queue behind a burst of other work in the main pool.
     */
    private readonly deliveryLane: pg.Pool = pool,
  ) {}

  async createJob(job: JobRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO jobs (id, owner_platform, owner_id, owner_name, machine_id, task, repo, agent, forced, route_reason,
         thread_platform, thread_channel, thread_id, status_message_id, delivery, state, last_seq, pending_approvals, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, '[]', $18, $19)`,
      [
        job.id, job.owner.platform, job.owner.userId, job.owner.displayName ?? null, job.machineId, job.task, job.repo ?? null, job.agent ?? null,
        job.forced, job.routeReason, job.thread.platform, job.thread.channelId, job.thread.threadId, job.statusMessage?.messageId ?? null,
        job.delivery, job.state, job.lastSeq, job.createdAt, job.updatedAt,
      ],
    );
  }

  async getJob(id: string): Promise<JobRecord | undefined> {
    const { rows } = await this.pool.query(`SELECT * FROM jobs WHERE id = $1`, [id]);
    return rows[0] ? toJob(rows[0] as Row) : undefined;
  }

  async findJobByThread(thread: ThreadRef): Promise<JobRecord | undefined> {
    const { rows } = await this.pool.query(
      `SELECT * FROM jobs WHERE thread_platform = $1 AND thread_channel = $2 AND thread_id = $3 ORDER BY created_at DESC LIMIT 1`,
      [thread.platform, thread.channelId, thread.threadId],
    );
    return rows[0] ? toJob(rows[0] as Row) : undefined;
  }

  async findJobsByPrefix(owner: ChatUser, prefix: string): Promise<JobRecord[]> {
    const { rows } = await this.pool.query(
      `SELECT * FROM jobs WHERE owner_platform = $1 AND owner_id = $2 AND replace(id, '-', '') LIKE $3 ESCAPE '\\' ORDER BY created_at DESC LIMIT 5`,
      [owner.platform, owner.userId, `${prefix.replace(/[\\%_]/g, '\\$&')}%`],
    );
    return rows.map((row) => toJob(row as Row));
  }

  async listJobs(filter: JobFilter): Promise<JobRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown): string => `$${params.push(value)}`;
    if (filter.owner) where.push(`owner_platform = ${param(filter.owner.platform)} AND owner_id = ${param(filter.owner.userId)}`);
    if (filter.machineId) where.push(`machine_id = ${param(filter.machineId)}`);
    if (filter.delivery) where.push(`delivery = ${param(filter.delivery)}`);
    if (filter.active) where.push(`state = ANY(${param(ACTIVE_STATES)})`);
    const sql = `SELECT * FROM jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC LIMIT ${param(filter.limit ?? 50)}`;
    return (await this.pool.query(sql, params)).rows.map((row) => toJob(row as Row));
  }

  /**
   * Of these machines, those with work a sweep must deliver: a queued job still waiting for
   * its offer, or an active job with a pending approval (its decision may be stored). One
   * query, however many jobs the team has (the newest N of all would miss an older one).
   */
  async machinesWithDueWork(machineIds: string[]): Promise<string[]> {
    if (machineIds.length === 0) return [];
    const { rows } = await this.pool.query(
      `SELECT DISTINCT machine_id FROM jobs WHERE machine_id = ANY($1::text[])
         AND ((delivery = 'waiting' AND state = 'queued') OR (state = ANY($2::text[]) AND pending_approvals <> '[]'::jsonb))`,
      [machineIds, ACTIVE_STATES],
    );
    return rows.map((row) => String(row.machine_id));
  }

  async updateJob(id: string, patch: JobPatch): Promise<void> {
    const columns = jobPatchColumns(patch);
    if (columns.length === 0) return;
    const sets = columns.map(([column], index) => `${column} = $${index + 1}`).join(', ');
    const pool = patch.delivery !== undefined ? this.deliveryLane : this.pool;
    await pool.query(`UPDATE jobs SET ${sets} WHERE id = $${columns.length + 1}`, [...columns.map(([, value]) => value), id]);
  }

  async recordEvents(jobId: string, events: SessionEvent[]): Promise<SessionEvent[]> {
    return inTransaction(this.pool, async (client) => {
      // The job row's lock makes two bridges recording the same job take turns; the second
      // then finds the first's events (ON CONFLICT) and folds only what is new onto fresh state.
      const { rows } = await client.query(`SELECT * FROM jobs WHERE id = $1 FOR UPDATE`, [jobId]);
      if (!rows[0]) return [];
      const job = toJob(rows[0] as Row);
      // One INSERT for the whole batch (a round trip per event was most of the cost); the
      // conflict check still stores each (job, seq) once, and RETURNING says which are new.
      const sorted = [...events].sort((a, b) => a.seq - b.seq);
      const inserted = await client.query(
        `INSERT INTO job_events (job_id, seq, kind, body, at)
         SELECT $1, e.seq, e.kind, e.body, e.at FROM jsonb_to_recordset($2::jsonb) AS e(seq bigint, kind text, body jsonb, at bigint)
         ON CONFLICT (job_id, seq) DO NOTHING RETURNING seq`,
        [jobId, JSON.stringify(sorted.map((event) => ({ seq: event.seq, kind: event.kind, body: event, at: event.at })))],
      );
      const added = new Set(inserted.rows.map((row) => Number(row.seq)));
      const fresh: SessionEvent[] = [];
      for (const event of sorted) {
        // A seq twice in one batch: the first one is the one stored, as with one INSERT each.
        if (!added.delete(event.seq)) continue;
        fresh.push(event);
        foldEvent(job, event);
        if (event.kind === 'approval_requested') {
          await client.query(`INSERT INTO approvals (job_id, request_id, request) VALUES ($1, $2, $3::jsonb) ON CONFLICT DO NOTHING`, [
            jobId, event.request.requestId, JSON.stringify(event.request),
          ]);
        }
      }
      if (fresh.length > 0) {
        await client.query(
          `UPDATE jobs SET state = $1, repo = $2, branch = $3, worktree = $4, last_seq = $5, result = $6::jsonb, pending_approvals = $7::jsonb, delivery = $8, updated_at = $9 WHERE id = $10`,
          [
            job.state, job.repo ?? null, job.branch ?? null, job.worktree ?? null, job.lastSeq,
            job.result ? JSON.stringify(job.result) : null, JSON.stringify(job.pendingApprovals), job.delivery, job.updatedAt, jobId,
          ],
        );
      }
      return fresh;
    });
  }

  async unnotifiedEvents(limit: number): Promise<StoredEvent[]> {
    const { rows } = await this.pool.query(`SELECT job_id, body FROM job_events WHERE NOT notified ORDER BY at, job_id, seq LIMIT $1`, [limit]);
    return rows.map((row) => ({ jobId: String(row.job_id), event: SessionEventSchema.parse(row.body) }));
  }

  /**
   * Claims, for `bridgeId` until `now + leaseMs`, up to `limit` jobs that have untold events
   * and no live claim by another bridge (its own claims are renewed; expired ones, a dead
   * bridge's, are taken over). Oldest untold event first. Two bridges claiming at once:
   * the INSERT's conflict check waits for the other's row and re-reads it, so one wins.
   */
  async claimJobsToNotify(bridgeId: string, limit: number, leaseMs: number, now: number): Promise<string[]> {
    const { rows } = await this.pool.query(
      `INSERT INTO notify_claims (job_id, bridge_id, until)
       SELECT job_id, $1, $2 FROM (
         SELECT e.job_id, min(e.at) AS first FROM job_events e
         WHERE NOT e.notified
           AND NOT EXISTS (SELECT 1 FROM notify_claims c WHERE c.job_id = e.job_id AND c.bridge_id <> $1 AND c.until >= $3)
         GROUP BY e.job_id ORDER BY first LIMIT $4) waiting
       ON CONFLICT (job_id) DO UPDATE SET bridge_id = excluded.bridge_id, until = excluded.until
         WHERE notify_claims.bridge_id = excluded.bridge_id OR notify_claims.until < $3
       RETURNING job_id`,
      [bridgeId, now + leaseMs, now, limit],
    );
    return rows.map((row) => String(row.job_id));
  }

  /** Takes or renews one job's claim; false while another bridge holds it unexpired. */
  async holdNotifyClaim(bridgeId: string, jobId: string, leaseMs: number, now: number): Promise<boolean> {
    const result = await this.pool.query(
      `INSERT INTO notify_claims (job_id, bridge_id, until) VALUES ($1, $2, $3)
       ON CONFLICT (job_id) DO UPDATE SET bridge_id = excluded.bridge_id, until = excluded.until
         WHERE notify_claims.bridge_id = excluded.bridge_id OR notify_claims.until < $4`,
      [jobId, bridgeId, now + leaseMs, now],
    );
    return result.rowCount === 1;
  }

  /** Renews the claims `bridgeId` still holds among `jobIds`; returns those (a lost one is missing). */
  async renewNotifyClaims(bridgeId: string, jobIds: string[], leaseMs: number, now: number): Promise<string[]> {
    if (jobIds.length === 0) return [];
    const { rows } = await this.pool.query(`UPDATE notify_claims SET until = $3 WHERE bridge_id = $1 AND job_id = ANY($2::text[]) RETURNING job_id`, [bridgeId, jobIds, now + leaseMs]);
    return rows.map((row) => String(row.job_id));
  }

  async releaseNotifyClaim(bridgeId: string, jobId: string): Promise<void> {
    await this.pool.query(`DELETE FROM notify_claims WHERE job_id = $1 AND bridge_id = $2`, [jobId, bridgeId]);
  }

  async unnotifiedEventsOf(jobId: string, limit: number): Promise<SessionEvent[]> {
    const { rows } = await this.pool.query(`SELECT body FROM job_events WHERE job_id = $1 AND NOT notified ORDER BY seq LIMIT $2`, [jobId, limit]);
    return rows.map((row) => SessionEventSchema.parse(row.body));
  }

  async markNotified(jobId: string, seq: number): Promise<void> {
    await this.pool.query(`UPDATE job_events SET notified = true WHERE job_id = $1 AND seq = $2`, [jobId, seq]);
  }

  async events(jobId: string): Promise<SessionEvent[]> {
    const { rows } = await this.pool.query(`SELECT body FROM job_events WHERE job_id = $1 ORDER BY seq`, [jobId]);
    return rows.map((row) => SessionEventSchema.parse(row.body));
  }

  async decideApproval(jobId: string, requestId: string, decision: ApprovalDecision, at: number): Promise<boolean> {
    // Two bridges pressing at once: the second's UPDATE waits for the first's row lock, then finds a decision.
    const result = await this.pool.query(
      `UPDATE approvals SET decision = $1::jsonb, decided_by = $2, decided_at = $3 WHERE job_id = $4 AND request_id = $5 AND decision IS NULL`,
      [JSON.stringify(decision), decision.decidedBy ?? null, at, jobId, requestId],
    );
    return result.rowCount === 1;
  }

  async approval(jobId: string, requestId: string): Promise<ApprovalRecord | undefined> {
    const { rows } = await this.pool.query(`SELECT * FROM approvals WHERE job_id = $1 AND request_id = $2`, [jobId, requestId]);
    return rows[0] ? toApproval(rows[0] as Row) : undefined;
  }

  async setApprovalMessage(jobId: string, requestId: string, messageId: string): Promise<void> {
    await this.pool.query(`UPDATE approvals SET message_id = $1 WHERE job_id = $2 AND request_id = $3`, [messageId, jobId, requestId]);
  }

  async unansweredApprovals(jobId: string): Promise<ApprovalRecord[]> {
    const { rows } = await this.pool.query(`SELECT * FROM approvals WHERE job_id = $1 AND decision IS NULL`, [jobId]);
    return rows.map((row) => toApproval(row as Row));
  }
}
