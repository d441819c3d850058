import { DispatchError } from '../../shared/errors.js';
import { allAttachMarkers, holdFollowUp, liveAttach, sessionsWithHeldFollowUps, takeHeld, type AttachMarker } from './attachMarker.js';
import { isProcessAlive } from './processTree.js';

export interface AttachWatchOptions {
  home: string;
  /** Tells the session's chat thread something (a progress event). */
  note: (sessionId: string, text: string) => void;
  /** Runs the follow-ups that waited for the terminal (joined, oldest first) as one turn. */
  resume: (sessionId: string, text: string) => void;
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
   * When a live terminal has the session, keeps `text` on disk and throws the reply the chat
   * shows; otherwise returns and the follow-up runs. The marker is read on every call, so a
   * follow-up that arrives between two ticks is held too.
   */
  holdWhileAttached(sessionId: string, text: string): void {
    const marker = liveAttach(this.options.home, sessionId);
    if (!marker) return;
    holdFollowUp(this.options.home, sessionId, { text, at: (this.options.now ?? Date.now)() });
    throw new DispatchError('conflict', `Held: this session is continued in a terminal on ${marker.machine} by ${marker.user}. Your follow-up runs when the terminal exits.`);
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
      this.safely(() => this.options.note(sessionId, `Continued in a terminal on ${marker.machine} by ${marker.user}. Follow-ups from the chat wait until the terminal exits.`));
    }
    for (const [sessionId, marker] of [...this.known]) {
      if (live.has(sessionId)) continue;
      this.known.delete(sessionId);
      this.release(sessionId, marker);
    }
    // Follow-ups held before a runner restart, whose terminal has since gone.
    for (const sessionId of sessionsWithHeldFollowUps(home)) {
      if (!live.has(sessionId)) this.release(sessionId, undefined);
    }
  }

  private release(sessionId: string, marker: AttachMarker | undefined): void {
    const held = takeHeld(this.options.home, sessionId);
    const where = marker ? ` on ${marker.machine}` : '';
    this.safely(() => this.options.note(sessionId, `The terminal${where} exited; the session is back with the chat.${held.length > 0 ? ' Running the held follow-up.' : ''}`));
    if (held.length > 0) this.safely(() => this.options.resume(sessionId, held.map((followUp) => followUp.text).join('\n\n')));
  }

  private safely(action: () => void): void {
    try {
      action();
    } catch {
      // A callback's failure (a session that vanished) must not stop the watch.
    }
  }
}
