import { ApprovalDecisionSchema, ApprovalRequestSchema, SessionResultSchema, type SessionState } from '../../../shared/sessions.js';
import type { ChatUser, ThreadRef } from '../../chat.js';
import type { ApprovalRecord, JobRecord, MachineRecord } from '../store.js';
import type { Row } from './pgPool.js';
import { jobFromRow } from '../jobRows.js';

/** Rows back to records. jsonb arrives parsed; what came from a runner is validated again. */
export function toMachine(row: Row): MachineRecord {
  return {
    id: String(row.id),
    name: String(row.name),
    platform: String(row.platform),
    agent: String(row.agent),
    repos: row.repos as MachineRecord['repos'],
    lastSeenAt: Number(row.last_seen_at),
  };
}

export function toApproval(row: Row): ApprovalRecord {
  return {
    jobId: String(row.job_id),
    request: ApprovalRequestSchema.parse(row.request),
    ...(row.decision ? { decision: ApprovalDecisionSchema.parse(row.decision), decidedAt: Number(row.decided_at) } : {}),
    ...(row.message_id ? { messageId: String(row.message_id) } : {}),
  };
}

export function toUser(row: Row, prefix: 'owner'): ChatUser {
  return {
    platform: row[`${prefix}_platform`] as ChatUser['platform'],
    userId: String(row[`${prefix}_id`]),
    ...(row[`${prefix}_name`] ? { displayName: String(row[`${prefix}_name`]) } : {}),
  };
}

export function toThread(row: Row): ThreadRef {
  return { platform: row.thread_platform as ThreadRef['platform'], channelId: String(row.thread_channel), threadId: String(row.thread_id) };
}

/** jsonb arrives parsed and booleans as booleans. */
const pgColumns = { json: (value: unknown) => value, flag: (value: unknown) => value === true };

export function toJob(row: Row): JobRecord {
  return jobFromRow(row, pgColumns);
}
