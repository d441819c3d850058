import { ApprovalRequestSchema, SessionResultSchema, type SessionState } from '../../shared/sessions.js';
import type { ChatUser, ThreadRef } from '../chat.js';
import type { JobPatch, JobRecord } from './store.js';

/** A row as a driver returns it: column name to value. */
export type JobRow = Record<string, unknown>;

/**
 * How an engine hands back what it stored: SQLite returns JSON as text and booleans as
 * 0/1, PostgreSQL returns jsonb parsed and booleans as booleans.
 */
export interface ColumnReader {
  json(value: unknown): unknown;
  flag(value: unknown): boolean;
}

/** A jobs row back to a record, the same on both engines; what came from a runner is validated again. */
export function jobFromRow(row: JobRow, read: ColumnReader): JobRecord {
  const thread: ThreadRef = { platform: row.thread_platform as ThreadRef['platform'], channelId: String(row.thread_channel), threadId: String(row.thread_id) };
  const owner: ChatUser = {
    platform: row.owner_platform as ChatUser['platform'],
    userId: String(row.owner_id),
    ...(row.owner_name ? { displayName: String(row.owner_name) } : {}),
  };
  return {
    id: String(row.id),
    owner,
    machineId: String(row.machine_id),
    task: String(row.task),
    ...(row.repo ? { repo: String(row.repo) } : {}),
    ...(row.agent ? { agent: String(row.agent) } : {}),
    forced: read.flag(row.forced),
    routeReason: String(row.route_reason),
    thread,
    ...(row.status_message_id ? { statusMessage: { thread, messageId: String(row.status_message_id) } } : {}),
    delivery: row.delivery as JobRecord['delivery'],
    state: row.state as SessionState,
    ...(row.branch ? { branch: String(row.branch) } : {}),
    ...(row.worktree ? { worktree: String(row.worktree) } : {}),
    lastSeq: Number(row.last_seq),
    ...(row.result ? { result: SessionResultSchema.parse(read.json(row.result)) } : {}),
    pendingApprovals: (read.json(row.pending_approvals) as unknown[]).map((item) => ApprovalRequestSchema.parse(item)),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** The columns a patch sets, in a fixed order; empty when it sets nothing. */
export function jobPatchColumns(patch: JobPatch): [string, unknown][] {
  const columns: [string, unknown][] = [];
  if (patch.statusMessage !== undefined) columns.push(['status_message_id', patch.statusMessage.messageId]);
  if (patch.delivery !== undefined) columns.push(['delivery', patch.delivery]);
  if (patch.repo !== undefined) columns.push(['repo', patch.repo]);
  if (patch.state !== undefined) columns.push(['state', patch.state]);
  if (patch.updatedAt !== undefined) columns.push(['updated_at', patch.updatedAt]);
  return columns;
}
