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
  /** The newest event seen per session (events arrive in order). */
  private readonly lastEvent = new Map<string, number>();

  /** Replaces everything (a fresh list after the runner (re)started). */
  replaceAll(list: readonly SessionSnapshot[]): void {
    const before = [...this.sessions.keys()];
    this.sessions.clear();
    for (const session of list) this.sessions.set(session.sessionId, session);
    this.fire({ sessionIds: [...new Set([...before, ...this.sessions.keys()])] });
  }

  /**
   * Applies one change; returns false when it brings nothing new. The runner reads the
   * snapshot when it sends an event, so one event may come with a snapshot that already
   * includes the next: that next event still counts (a live log needs every line).
   */
  apply(session: SessionSnapshot, event?: SessionEvent): boolean {
    const held = this.sessions.get(session.sessionId);
    const newerSnapshot = !held || held.lastSeq < session.lastSeq;
    const newEvent = event !== undefined && event.seq > (this.lastEvent.get(session.sessionId) ?? 0);
    if (!newerSnapshot && !newEvent) return false;
    if (newerSnapshot) this.sessions.set(session.sessionId, session);
    if (newEvent) this.lastEvent.set(session.sessionId, event.seq);
    this.fire({ sessionIds: [session.sessionId], ...(newEvent ? { event } : {}) });
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
