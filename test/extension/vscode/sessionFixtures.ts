import type { ApprovalRequest, SessionEvent, SessionSnapshot, SessionState } from '../../../shared/sessions.js';

let counter = 0;

/** A session snapshot as the runner reports it, with just the fields a test cares about changed. */
export function snapshot(overrides: Partial<SessionSnapshot> & { task?: string; state?: SessionState } = {}): SessionSnapshot {
  counter += 1;
  const { task, ...rest } = overrides;
  const sessionId = overrides.sessionId ?? `3f9a1c2e-0000-4000-8000-${String(counter).padStart(12, '0')}`;
  return {
    sessionId,
    job: { jobId: sessionId, task: task ?? 'run the tests', requestedBy: { platform: 'slack', userId: 'U1', displayName: 'alice' }, createdAt: 1_000 },
    state: 'running',
    repo: 'api',
    lastSeq: 3,
    pendingApprovals: [],
    createdAt: 1_000 + counter,
    updatedAt: 2_000 + counter,
    ...rest,
  };
}

export function approvalRequest(requestId = 'r1'): ApprovalRequest {
  return { requestId, tool: 'shell', summary: 'Run `npm test` in the session worktree', command: ['npm', 'test'], scope: 'shell:npm:test' };
}

/** A session waiting for approval, as the runner folds it. */
export function waiting(overrides: Partial<SessionSnapshot> = {}): SessionSnapshot {
  return snapshot({ state: 'waiting_for_approval', pendingApprovals: [approvalRequest()], ...overrides });
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An event as the runner numbers and stamps it. */
export function event(sessionId: string, seq: number, body: DistributiveOmit<SessionEvent, 'sessionId' | 'seq' | 'at'>): SessionEvent {
  return { ...body, sessionId, seq, at: 10_000 + seq * 1_000 } as SessionEvent;
}
