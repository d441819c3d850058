import { DispatchError } from '../../shared/errors.js';
import type { ChatUser, ThreadRef } from '../chat.js';
import { jobFromRow, jobPatchColumns } from './jobRows.js';
import type { Row, SqliteStatements } from './sqliteStatements.js';
import type { JobFilter, JobPatch, JobRecord } from './store.js';

/** SQLite keeps JSON as text and booleans as 0/1. */
const sqliteColumns = { json: (value: unknown) => JSON.parse(String(value)) as unknown, flag: (value: unknown) => value === 1 };

function toJob(row: Row): JobRecord {
  return jobFromRow(row, sqliteColumns);
}

/** The jobs table of the SQLite file: one row a task, with where it runs and where it is told. */
export class SqliteJobs {
  constructor(private readonly sql: SqliteStatements) {}

  create(job: JobRecord): void {
    try {
      this.insert(job);
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_FULL') {
        throw new DispatchError('storage_full', "The bridge's disk is full, so your task was not saved. Free some space on the bridge and send it again.");
      }
      throw error;
    }
  }

  private insert(job: JobRecord): void {
    this.sql.statement(
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

  /** Synchronous, for use inside a better-sqlite3 transaction (which cannot await). */
  byId(id: string): JobRecord | undefined {
    const row = this.sql.statement(`SELECT * FROM jobs WHERE id = ?`).get(id) as Row | undefined;
    return row ? toJob(row) : undefined;
  }

  byThread(thread: ThreadRef): JobRecord | undefined {
    const row = this.sql.statement(`SELECT * FROM jobs WHERE thread_platform = ? AND thread_channel = ? AND thread_id = ? ORDER BY created_at DESC LIMIT 1`)
      .get(thread.platform, thread.channelId, thread.threadId) as Row | undefined;
    return row ? toJob(row) : undefined;
  }

  byPrefix(owner: ChatUser, prefix: string): JobRecord[] {
    const rows = this.sql.statement(`SELECT * FROM jobs WHERE owner_platform = ? AND owner_id = ? AND replace(id, '-', '') LIKE ? ESCAPE '\\' ORDER BY created_at DESC LIMIT 5`)
      .all(owner.platform, owner.userId, `${prefix.replace(/[\\%_]/g, '\\$&')}%`) as Row[];
    return rows.map(toJob);
  }

  list(filter: JobFilter): JobRecord[] {
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
    return (this.sql.statement(sql).all(...params, filter.limit ?? 50) as Row[]).map(toJob);
  }

  update(id: string, patch: JobPatch): void {
    const columns = jobPatchColumns(patch);
    if (columns.length === 0) return;
    this.sql.statement(`UPDATE jobs SET ${columns.map(([column]) => `${column} = ?`).join(', ')} WHERE id = ?`).run(...columns.map(([, value]) => value), id);
  }

  /** Writes back what folding events changed; inside the events' transaction. */
  saveFolded(job: JobRecord): void {
    this.sql.statement(`UPDATE jobs SET state = ?, repo = ?, branch = ?, worktree = ?, last_seq = ?, result = ?, pending_approvals = ?, delivery = ?, updated_at = ? WHERE id = ?`)
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
        job.id,
      );
  }
}
