import { allAttachMarkers, holdFollowUp, isProcessAlive, liveAttach, sessionsWithHeldFollowUps, takeHeld, type AttachMarker, type HeldFollowUp } from './attachMarker.js';

export interface AttachWatchOptions {
  home: string;
  /** A terminal attached to this session (seen once per attach). */
  onAttached: (marker: AttachMarker) => void;
  /** The terminal exited (or died); `held` are the follow-ups that waited for it, oldest first. */
  onReleased: (sessionId: string, held: HeldFollowUp[], marker: AttachMarker | undefined) => void;
  pollMs?: number;
  now?: () => number;
}

/**
 * The runner's side of `dispatch attach`: it looks at the attach markers in DISPATCH_HOME
 * (a small folder, read once a second) so the chat hears when a terminal takes a session
 * over and when it gives it back, and it holds follow-ups in between. Polling rather than
 * fs.watch: it behaves the same on every platform and filesystem, and a marker that only a
 * dead pid proves stale needs a look at the clock anyway.
 */
export class AttachWatch {
  private readonly known = new Map<string, AttachMarker>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: AttachWatchOptions) {}

  start(): void {
    if (this.timer) return;
    this.tick();
    this.timer = setInterval(() => this.tick(), this.options.pollMs ?? 1_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * Holds `text` when a live terminal has the session: returns that terminal's marker, after
   * the follow-up is on disk. Read from disk on every call, so a follow-up that arrives
   * between two ticks is held too.
   */
  hold(sessionId: string, text: string): AttachMarker | undefined {
    const marker = liveAttach(this.options.home, sessionId);
    if (!marker) return undefined;
    holdFollowUp(this.options.home, sessionId, { text, at: (this.options.now ?? Date.now)() });
    return marker;
  }

  private tick(): void {
    const { home } = this.options;
    const live = new Map<string, AttachMarker>();
    for (const marker of allAttachMarkers(home)) {
      if (isProcessAlive(marker.pid)) live.set(marker.sessionId, marker);
      else liveAttach(home, marker.sessionId); // removes the marker of a terminal that died without cleaning up
    }
    for (const [sessionId, marker] of live) {
      const seen = this.known.get(sessionId);
      if (seen && seen.pid === marker.pid && seen.startedAt === marker.startedAt) continue;
      this.known.set(sessionId, marker);
      this.safely(() => this.options.onAttached(marker));
    }
    for (const [sessionId, marker] of [...this.known]) {
      if (live.has(sessionId)) continue;
      this.known.delete(sessionId);
      this.safely(() => this.options.onReleased(sessionId, takeHeld(home, sessionId), marker));
    }
    // Follow-ups held before a runner restart, whose terminal has since gone.
    for (const sessionId of sessionsWithHeldFollowUps(home)) {
      if (!live.has(sessionId)) this.safely(() => this.options.onReleased(sessionId, takeHeld(home, sessionId), undefined));
    }
  }

  private safely(action: () => void): void {
    try {
      action();
    } catch {
      // A callback's failure (a session that vanished) must not stop the watch.
    }
  }
}
