import { ApprovalDecisionSchema, ApprovalRequestSchema, type ApprovalDecision } from '../../shared/sessions.js';
import type { Row, SqliteStatements } from './sqliteStatements.js';
import type { ApprovalRecord } from './store.js';

/** Approval requests in the SQLite file (stored with their events) and the one decision each may get. */
export class SqliteApprovals {
  constructor(private readonly sql: SqliteStatements) {}

  /** Only the first decision counts: false when the request was decided already (or is unknown). */
  decide(jobId: string, requestId: string, decision: ApprovalDecision, at: number): boolean {
    const result = this.sql.statement(`UPDATE approvals SET decision = ?, decided_by = ?, decided_at = ? WHERE job_id = ? AND request_id = ? AND decision IS NULL`)
      .run(JSON.stringify(decision), decision.decidedBy ?? null, at, jobId, requestId);
    return result.changes === 1;
  }

  get(jobId: string, requestId: string): ApprovalRecord | undefined {
    const row = this.sql.statement(`SELECT * FROM approvals WHERE job_id = ? AND request_id = ?`).get(jobId, requestId) as Row | undefined;
    return row ? toApproval(row) : undefined;
  }

  setMessage(jobId: string, requestId: string, messageId: string): void {
    this.sql.statement(`UPDATE approvals SET message_id = ? WHERE job_id = ? AND request_id = ?`).run(messageId, jobId, requestId);
  }

  unanswered(jobId: string): ApprovalRecord[] {
    return (this.sql.statement(`SELECT * FROM approvals WHERE job_id = ? AND decision IS NULL`).all(jobId) as Row[]).map(toApproval);
  }
}

function toApproval(row: Row): ApprovalRecord {
  return {
    jobId: String(row.job_id),
    request: ApprovalRequestSchema.parse(JSON.parse(String(row.request))),
    ...(row.decision ? { decision: ApprovalDecisionSchema.parse(JSON.parse(String(row.decision))), decidedAt: Number(row.decided_at) } : {}),
    ...(row.message_id ? { messageId: String(row.message_id) } : {}),
  };
}
