import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { SessionEventSchema, type SessionEvent } from '../../../shared/sessions.js';
import { sessionFileKey } from '../slug.js';

/** The most events a panel is handed at once: the tail of a long session is what matters. */
const MAX_EVENTS = 1_000;

/**
 * Every event the editor's runner has seen, per session, as JSON lines under
 * `<home>/editor/history`. The journal keeps only events the bridge has not
 * acknowledged, so a session panel opened after a reload needs this to show its log.
 */
export class EventHistory {
  private readonly dir: string;

  constructor(home: string) {
    this.dir = path.join(home, 'editor', 'history');
  }

  /** Synchronous on purpose: events of one session must land in order. */
  append(event: SessionEvent): void {
    mkdirSync(this.dir, { recursive: true });
    appendFileSync(this.file(event.sessionId), `${JSON.stringify(event)}\n`);
  }

  /** The session's events, oldest first, deduplicated by seq; unreadable lines are skipped. */
  read(sessionId: string): SessionEvent[] {
    let text: string;
    try {
      text = readFileSync(this.file(sessionId), 'utf8');
    } catch {
      return [];
    }
    const bySeq = new Map<number, SessionEvent>();
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        const parsed = SessionEventSchema.safeParse(JSON.parse(line));
        if (parsed.success) bySeq.set(parsed.data.seq, parsed.data);
      } catch {
        // A line cut short by a crash: the events before and after it still count.
      }
    }
    return [...bySeq.values()].sort((a, b) => a.seq - b.seq).slice(-MAX_EVENTS);
  }

  private file(sessionId: string): string {
    return path.join(this.dir, `${sessionFileKey(sessionId)}.jsonl`);
  }
}
