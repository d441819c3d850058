import type { SessionEvent, SessionSnapshot } from '../../../shared/sessions.js';

export type SessionModelListener = (changed: { sessionIds: string[]; event?: SessionEvent }) => void;

/**
 * The editor's picture of the runner's sessions, fed by `sessions/list` and
 * `session/didChange`. Notifications can cross a reload of the list, so a snapshot
 * older than the one held (by seq) is ignored. No `vscode` import: the tree, the
 * panels, the badge and the notifications all read this one model.
 */
export class SessionModel {
  private readonly sessions = new Map<string, SessionSnapshot>();
  private readonly listeners = new Set<SessionModelListener>();

  /** Replaces everything (a fresh list after the runner (re)started). */
  replaceAll(list: readonly SessionSnapshot[]): void {
    const before = [...this.sessions.keys()];
    this.sessions.clear();
    for (const session of list) this.sessions.set(session.sessionId, session);
    this.fire({ sessionIds: [...new Set([...before, ...this.sessions.keys()])] });
  }

  /** Applies one change; returns false when it was older than what the model holds. */
  apply(session: SessionSnapshot, event?: SessionEvent): boolean {
    const held = this.sessions.get(session.sessionId);
    if (held && held.lastSeq >= session.lastSeq) return false;
    this.sessions.set(session.sessionId, session);
    this.fire({ sessionIds: [session.sessionId], ...(event ? { event } : {}) });
    return true;
  }

  get(sessionId: string): SessionSnapshot | undefined {
    return this.sessions.get(sessionId);
  }

  all(): SessionSnapshot[] {
    return [...this.sessions.values()];
  }

  /** Sessions waiting for a person: what the view's badge counts. */
  needingAttention(): SessionSnapshot[] {
    return this.all().filter((session) => session.pendingApprovals.length > 0);
  }

  onDidChange(listener: SessionModelListener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private fire(change: Parameters<SessionModelListener>[0]): void {
    for (const listener of [...this.listeners]) listener(change);
  }
}
