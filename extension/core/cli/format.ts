import { shortId } from '../../../shared/ids.js';
import type { SessionEvent, SessionResult, SessionState } from '../../../shared/sessions.js';

function indent(text: string): string {
  return text.replace(/\n/g, '\n    ');
}

/** One event as terminal lines, or undefined for events the terminal does not show. */
export function formatEvent(event: SessionEvent): string | undefined {
  const tag = `[${shortId(event.sessionId)}]`;
  switch (event.kind) {
    case 'state':
      return `${tag} ${event.state}${event.message ? ` — ${indent(event.message)}` : ''}`;
    case 'workspace':
      return `${tag} worktree ${event.worktree} (branch ${event.branch}, base ${event.baseCommit.slice(0, 12)}, agent ${event.agent})`;
    case 'progress':
      return `${tag} ${indent(event.text)}`;
    case 'approval_requested':
      return `${tag} approval needed: ${event.request.summary}`;
    case 'approval_reminder':
      return `${tag} still waiting for approval (${event.requestId})`;
    case 'approval_resolved':
      return `${tag} approval ${event.decision.decision}${event.decision.reason ? `: ${event.decision.reason}` : ''}`;
    case 'approval_granted':
      return `${tag} approved by a grant (until ${new Date(event.grant.expiresAt).toISOString().slice(11, 16)} UTC): ${event.request.summary}`;
    case 'result':
      return undefined; // printed once at the end, in full
  }
}

/** The end-of-session report for people. */
export function formatResult(state: SessionState, result: SessionResult): string {
  const lines = [`${state.toUpperCase()}: ${result.summary}`];
  if (result.branch) lines.push(`branch:   ${result.branch}`);
  if (result.worktree) lines.push(`worktree: ${result.worktree}`);
  if (result.tests) {
    const t = result.tests;
    lines.push(`tests:    ${t.passed} passed, ${t.failed} failed${t.skipped ? `, ${t.skipped} skipped` : ''} (${t.command})`);
  }
  lines.push(result.filesChanged.length ? `changed:\n${result.diffstat}` : 'changed:  no files');
  if (result.costUsd !== undefined) lines.push(`cost:     $${result.costUsd.toFixed(2)}`);
  if (result.shipped?.pullRequest) lines.push(`pull request: #${result.shipped.pullRequest.number} ${result.shipped.pullRequest.url}`);
  else if (result.shipped) lines.push(`pushed:   ${result.shipped.branch} to ${result.shipped.remote}`);
  lines.push(`time:     ${(result.durationMs / 1000).toFixed(1)} s`);
  if (result.logFile) lines.push(`log:      ${result.logFile}`);
  return lines.join('\n');
}

/** The machine-readable result: the last line printed with --json. */
export function resultJson(sessionId: string, state: SessionState, result: SessionResult): string {
  return JSON.stringify({ sessionId, state, ...result });
}
