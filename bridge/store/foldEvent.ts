import { isFinal, type SessionEvent } from '../../shared/sessions.js';
import type { JobRecord } from './store.js';

/** Applies one session event to the bridge's view of a job (in place). */
export function foldEvent(job: JobRecord, event: SessionEvent): void {
  job.lastSeq = Math.max(job.lastSeq, event.seq);
  job.updatedAt = Math.max(job.updatedAt, event.at);
  // Any event from the runner proves it has the job.
  job.delivery = 'accepted';
  switch (event.kind) {
    case 'state':
      job.state = event.state;
      if (isFinal(event.state)) job.pendingApprovals = [];
      break;
    case 'workspace':
      job.branch = event.branch;
      job.worktree = event.worktree;
      job.repo = event.repo;
      break;
    case 'approval_requested':
      job.pendingApprovals = [...job.pendingApprovals.filter((r) => r.requestId !== event.request.requestId), event.request];
      break;
    case 'approval_resolved':
      job.pendingApprovals = job.pendingApprovals.filter((r) => r.requestId !== event.decision.requestId);
      break;
    case 'result':
      job.result = event.result;
      break;
    case 'progress':
    case 'approval_reminder':
    case 'approval_granted':
      break;
  }
}
