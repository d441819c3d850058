import type { Clock } from '../../shared/clock.js';
import { ApprovalPolicy } from './approvals.js';
import type { GrantBook, GrantHolder } from './grants.js';
import type { JournalRecord } from './journal.js';
import type { SessionStore } from './sessionStore.js';

export interface SessionApprovalsOptions {
  store: SessionStore;
  clock: Clock;
  ttlMinutes: number;
  remindMinutes: number;
  /** How often (real ms) waiting approvals look at the clock for reminders. */
  pollMs?: number;
  /** The machine's grant book: a grant then covers the same person's sessions in the same repository. */
  grants?: GrantBook;
}

/** Whose a session's grants are: the person who asked for it, in its repository on this machine. */
export function grantHolder(record: JournalRecord): GrantHolder {
  const { platform, userId } = record.snapshot.job.requestedBy;
  return { person: `${platform}:${userId}`, repo: record.repoPath };
}

/**
 * A session's approval policy, wired to its journal: each request, reminder and decision
 * becomes an event (so does a grant's first use in it), and the session waits for approval only while a request is open.
 */
export function sessionApprovalPolicy(record: JournalRecord, options: SessionApprovalsOptions): ApprovalPolicy {
  const { store } = options;
  const policy: ApprovalPolicy = new ApprovalPolicy({
    clock: options.clock,
    ttlMinutes: options.ttlMinutes,
    remindMinutes: options.remindMinutes,
    ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
    ...(options.grants ? { grants: { book: options.grants, holder: grantHolder(record) } } : {}),
    onGranted: (request, grant) => store.emit(record, { kind: 'approval_granted', request, grant }),
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
