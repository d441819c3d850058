import { SessionEventSchema, type SessionEvent } from '../../shared/sessions.js';
import { foldEvent } from './foldEvent.js';
import type { SqliteJobs } from './sqliteJobs.js';
import type { Row, SqliteStatements } from './sqliteStatements.js';
import type { StoredEvent } from './store.js';

/**
 * A job's session events in the SQLite file, each kept once by its sequence number, and
 * which of them the chat has been told. One bridge owns the file, so notify claims are trivial.
 */
export class SqliteEvents {
  constructor(
    private readonly sql: SqliteStatements,
    private readonly jobs: SqliteJobs,
  ) {}

  /** Stores the events not seen before and folds them into the job, in one transaction; returns those new ones. */
  record(jobId: string, events: SessionEvent[]): SessionEvent[] {
    const insert = this.sql.statement(`INSERT OR IGNORE INTO job_events (job_id, seq, kind, body, at) VALUES (?, ?, ?, ?, ?)`);
    const saveApproval = this.sql.statement(`INSERT OR IGNORE INTO approvals (job_id, request_id, request) VALUES (?, ?, ?)`);
    return this.sql.db.transaction(() => {
      const job = this.jobs.byId(jobId);
      if (!job) return [];
      const fresh: SessionEvent[] = [];
      for (const event of [...events].sort((a, b) => a.seq - b.seq)) {
        if (insert.run(jobId, event.seq, event.kind, JSON.stringify(event), event.at).changes === 0) continue;
        fresh.push(event);
        foldEvent(job, event);
        if (event.kind === 'approval_requested') saveApproval.run(jobId, event.request.requestId, JSON.stringify(event.request));
      }
      if (fresh.length > 0) this.jobs.saveFolded(job);
      return fresh;
    })();
  }

  unnotified(limit: number): StoredEvent[] {
    const rows = this.sql.statement(`SELECT job_id, body FROM job_events WHERE notified = 0 ORDER BY at, job_id, seq LIMIT ?`).all(limit) as Row[];
    return rows.map((row) => ({ jobId: String(row.job_id), event: parseEvent(row) }));
  }

  markNotified(jobId: string, seq: number): void {
    this.sql.statement(`UPDATE job_events SET notified = 1 WHERE job_id = ? AND seq = ?`).run(jobId, seq);
  }

  /** Every claim is this bridge's own, so a claim is just "which jobs have untold events". */
  jobsToNotify(limit: number): string[] {
    const rows = this.sql.statement(`SELECT job_id, min(at) AS first FROM job_events WHERE notified = 0 GROUP BY job_id ORDER BY first LIMIT ?`).all(limit) as Row[];
    return rows.map((row) => String(row.job_id));
  }

  unnotifiedOf(jobId: string, limit: number): SessionEvent[] {
    const rows = this.sql.statement(`SELECT body FROM job_events WHERE job_id = ? AND notified = 0 ORDER BY seq LIMIT ?`).all(jobId, limit) as Row[];
    return rows.map(parseEvent);
  }

  of(jobId: string): SessionEvent[] {
    const rows = this.sql.statement(`SELECT body FROM job_events WHERE job_id = ? ORDER BY seq`).all(jobId) as Row[];
    return rows.map(parseEvent);
  }
}

function parseEvent(row: Row): SessionEvent {
  return SessionEventSchema.parse(JSON.parse(String(row.body)));
}
