import { isFinal, type SessionEvent, type SessionSnapshot } from '../../../shared/sessions.js';
import { STATE_LABEL } from './format.js';
import { describeEvent } from './panelState.js';

/** How many answers are remembered (toasts older than that get the generic sentence). */
const MAX_REMEMBERED = 500;

/**
 * Approvals that were answered, wherever that happened (the chat, another window, the
 * panel). A toast or a command that names a request already answered must not act on
 * another request or fail: it says what became of it.
 */
export class AnsweredApprovals {
  private readonly answers = new Map<string, string>();

  record(event: SessionEvent): void {
    if (event.kind !== 'approval_resolved') return;
    this.answers.set(`${event.sessionId}\n${event.decision.requestId}`, describeEvent(event));
    if (this.answers.size > MAX_REMEMBERED) this.answers.delete(this.answers.keys().next().value as string);
  }

  /** Undefined: the request still waits, go ahead. Otherwise the sentence to show instead. */
  staleness(session: SessionSnapshot | undefined, requestId: string): string | undefined {
    if (!session) return 'That session is no longer known to this machine’s runner.';
    if (session.pendingApprovals.some((request) => request.requestId === requestId)) return undefined;
    const answer = this.answers.get(`${session.sessionId}\n${requestId}`);
    if (answer) return `That approval was already answered: ${answer.replace(/^./, (c) => c.toLowerCase())}.`;
    if (isFinal(session.state)) return `Nothing to answer: the session ended (${STATE_LABEL[session.state]}).`;
    return 'That approval was already answered.';
  }
}
