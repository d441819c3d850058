import { shortId } from '../../../shared/ids.js';
import { isFinal, type SessionEvent, type SessionEventKind, type SessionSnapshot, type SessionState } from '../../../shared/sessions.js';
import { formatCost, formatDuration, plainText, STATE_LABEL } from './format.js';

/** How many log lines a panel keeps (the full output is in the session's log file). */
export const MAX_LOG_LINES = 500;

export interface LogLine {
  seq: number;
  at: number;
  kind: SessionEventKind;
  text: string;
}

/** What a session panel shows: plain data, posted to the webview as it is. */
export interface PanelState {
  sessionId: string;
  shortId: string;
  task: string;
  from: string;
  repo: string;
  branch?: string;
  worktree?: string;
  agent?: string;
  state: SessionState;
  stateLabel: string;
  createdAt: number;
  updatedAt: number;
  lastSeq: number;
  log: LogLine[];
  approvals: { requestId: string; tool: string; summary: string; command?: string }[];
  result?: {
    summary: string;
    diffstat: string;
    branch: string;
    duration: string;
    filesChanged: number;
    cost?: string;
    tests?: string;
    error?: string;
  };
  canCancel: boolean;
  canShowChanges: boolean;
  /** Continue in Terminal: a finished session whose worktree is there (`dispatch attach` refuses others). */
  canContinueInTerminal: boolean;
  /** Push branch / Open pull request, or what shipping left (the pull request's link). */
  ship: ShipView;
  /** The "Approve for N min" button (dispatch.approvalTtlMinutes). */
  approveForMinutes: number;
}

/**
 * The ship buttons: Push branch while the session's own commits are not pushed, Open pull
 * request until it has one (then its link instead). Both need commits and a push remote.
 */
export interface ShipView {
  canPush: boolean;
  canOpenPullRequest: boolean;
  remote?: string;
  /** Where the branch went (`origin/dispatch/…`), once pushed. */
  pushed?: string;
  pullRequest?: { number: number; url: string; draft: boolean };
  /** The forge's page to open the pull request by hand (no token, or the API refused). */
  compareUrl?: string;
}

export function shipView(session: SessionSnapshot): ShipView {
  const result = isFinal(session.state) ? session.result : undefined;
  const ready = result?.ship;
  const shipped = result?.shipped;
  const shippable = Boolean(ready && ready.commits > 0 && ready.remote);
  const pullRequest = shipped?.pullRequest;
  return {
    canPush: shippable && !shipped,
    canOpenPullRequest: shippable && !pullRequest,
    ...(ready?.remote ? { remote: ready.remote } : {}),
    ...(shipped ? { pushed: `${shipped.remote}/${shipped.branch}` } : {}),
    ...(pullRequest ? { pullRequest: { number: pullRequest.number, url: pullRequest.url, draft: pullRequest.draft } } : {}),
    ...(shipped?.compareUrl && !pullRequest ? { compareUrl: shipped.compareUrl } : {}),
  };
}

/** One event as a line of the panel's log. */
export function describeEvent(event: SessionEvent): string {
  switch (event.kind) {
    case 'state':
      return `${STATE_LABEL[event.state].replace(/^./, (c) => c.toUpperCase())}${event.message ? ` — ${event.message}` : ''}`;
    case 'workspace':
      return `Worktree ${event.worktree} on ${event.branch} (agent ${event.agent})`;
    case 'progress':
      return event.text;
    case 'approval_requested':
      return `Approval requested: ${event.request.summary}`;
    case 'approval_reminder':
      return 'Still waiting for approval';
    case 'approval_resolved': {
      const { decision, minutes, decidedBy, reason } = event.decision;
      const by = decidedBy ? ` by ${decidedBy}` : '';
      if (decision === 'deny') return `Denied${by}${reason ? ` — ${reason}` : ''}`;
      return decision === 'approve_for' ? `Approved for ${minutes ?? '?'} min${by}` : `Approved once${by}`;
    }
    case 'approval_granted':
      return `Approved by a ${Math.round((event.grant.expiresAt - event.grant.grantedAt) / 60_000)}-minute grant: ${event.request.summary}`;
    case 'result':
      return `Result: ${event.result.summary.split('\n', 1)[0] ?? ''}`;
  }
}

/** Adds events to a log by seq (duplicates and reorderings are harmless), keeping the tail. */
export function mergeEvents(known: readonly SessionEvent[], incoming: readonly SessionEvent[]): SessionEvent[] {
  const bySeq = new Map<number, SessionEvent>();
  for (const event of [...known, ...incoming]) bySeq.set(event.seq, event);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq).slice(-MAX_LOG_LINES);
}

export function panelState(session: SessionSnapshot, events: readonly SessionEvent[], approveForMinutes: number): PanelState {
  const requester = session.job.requestedBy;
  const result = session.result;
  const tests = result?.tests;
  return {
    sessionId: session.sessionId,
    shortId: shortId(session.sessionId),
    task: session.job.task,
    from: `${requester.displayName ?? requester.userId} via ${requester.platform}`,
    repo: session.repo ?? session.job.repo ?? 'default',
    ...(session.branch ? { branch: session.branch } : {}),
    ...(session.worktree ? { worktree: session.worktree } : {}),
    ...(session.agent ? { agent: session.agent } : {}),
    state: session.state,
    stateLabel: STATE_LABEL[session.state],
    createdAt: session.createdAt,
    updatedAt: session.updatedAt,
    lastSeq: session.lastSeq,
    log: events.map((event) => ({ seq: event.seq, at: event.at, kind: event.kind, text: plainText(describeEvent(event)) })),
    approvals: session.pendingApprovals.map((request) => ({
      requestId: request.requestId,
      tool: request.tool,
      summary: plainText(request.summary),
      ...(request.command ? { command: request.command.join(' ') } : {}),
    })),
    ...(result
      ? {
          result: {
            summary: result.summary,
            diffstat: result.diffstat,
            branch: result.branch,
            duration: formatDuration(result.durationMs),
            filesChanged: result.filesChanged.length,
            ...(result.costUsd !== undefined ? { cost: formatCost(result.costUsd) } : {}),
            ...(tests ? { tests: `${tests.passed} passed, ${tests.failed} failed${tests.skipped ? `, ${tests.skipped} skipped` : ''}` } : {}),
            ...(result.error ? { error: result.error } : {}),
          },
        }
      : {}),
    canCancel: !isFinal(session.state),
    canShowChanges: Boolean(session.worktree && session.baseCommit),
    canContinueInTerminal: isFinal(session.state) && Boolean(session.worktree),
    ship: shipView(session),
    approveForMinutes,
  };
}
