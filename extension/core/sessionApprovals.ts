import type { Clock } from '../../shared/clock.js';
import { ApprovalPolicy } from './approvals.js';
import type { JournalRecord } from './journal.js';
import type { SessionStore } from './sessionStore.js';

export interface SessionApprovalsOptions {
  store: SessionStore;
  clock: Clock;
  ttlMinutes: number;
  remindMinutes: number;
  /** How often (real ms) waiting approvals look at the clock for reminders. */
  pollMs?: number;
}

/**
 * A session's approval policy, wired to its journal: each request, reminder and decision
 * becomes an event, and the session waits for approval only while a request is open.
 */
export function sessionApprovalPolicy(record: JournalRecord, options: SessionApprovalsOptions): ApprovalPolicy {
  const { store } = options;
  const policy: ApprovalPolicy = new ApprovalPolicy({
    clock: options.clock,
    ttlMinutes: options.ttlMinutes,
    remindMinutes: options.remindMinutes,
    ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
    onRequested: (request) => {
      store.emit(record, { kind: 'approval_requested', request });
      // A listener may have answered already (--yes answers synchronously): then no wait.
      const stillPending = policy?.waiting().some((r) => r.requestId === request.requestId);
      if (stillPending && record.snapshot.state === 'running') store.transition(record, 'waiting_for_approval');
    },
    onReminder: (requestId) => store.emit(record, { kind: 'approval_reminder', requestId }),
    onResolved: (decision) => {
      store.emit(record, { kind: 'approval_resolved', decision });
      if (record.snapshot.state === 'waiting_for_approval' && policy?.waiting().length === 0) {
        store.transition(record, 'running');
      }
    },
  });
  return policy;
}
