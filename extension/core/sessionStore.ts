import type { Clock } from '../../shared/clock.js';
import { DispatchError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import { canTransition, type JobSpec, type SessionEvent, type SessionSnapshot, type SessionState } from '../../shared/sessions.js';
import type { Journal, JournalRecord } from './journal.js';
import type { SecretMask } from './secretMask.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** An event before the store numbers and stamps it. */
export type EventBody = DistributiveOmit<SessionEvent, 'sessionId' | 'seq' | 'at'>;

export type EventListener = (event: SessionEvent) => void;

/**
 * The sessions in memory and on disk, and the one place events are made: each event
 * gets the next sequence number, is folded into the snapshot, journaled, and only then
 * handed to listeners.
 */
export class SessionStore {
  private readonly records = new Map<string, JournalRecord>();
  private readonly listeners = new Set<EventListener>();
  private readonly outbox: SessionEvent[] = [];
  private delivering = false;

  constructor(
    private readonly journal: Journal,
    private readonly clock: Clock,
    private readonly logger: Logger,
    /** Blanks the runner's known secrets out of every event before it is journaled or sent. */
    private readonly secrets?: SecretMask,
  ) {}

  /** Reads the journal; `readOnly`: another runner owns it, so leave its files alone. */
  load(options: { readOnly?: boolean } = {}): JournalRecord[] {
    const { records, unreadable } = this.journal.load(options);
    for (const file of unreadable) this.logger.warn('unreadable journal record left in place', { file });
    for (const record of records) this.records.set(record.snapshot.sessionId, record);
    return this.all();
  }

  get(sessionId: string): JournalRecord | undefined {
    return this.records.get(sessionId);
  }

  /** Oldest first. */
  all(): JournalRecord[] {
    return [...this.records.values()].sort((a, b) => a.snapshot.createdAt - b.snapshot.createdAt);
  }

  create(job: JobSpec, repo: string, repoPath: string, agent: string): JournalRecord {
    const now = this.clock.now();
    const record: JournalRecord = {
      version: 1,
      snapshot: {
        sessionId: job.jobId,
        job,
        state: 'queued',
        repo,
        agent,
        lastSeq: 0,
        pendingApprovals: [],
        createdAt: now,
        updatedAt: now,
      },
      events: [],
      repoPath,
      task: job.task,
    };
    this.records.set(job.jobId, record);
    this.emit(record, { kind: 'state', state: 'queued' });
    return record;
  }

  /** Moves the session along the state machine; an illegal move is a bug, not user input. */
  transition(record: JournalRecord, to: SessionState, message?: string): void {
    const from = record.snapshot.state;
    if (!canTransition(from, to)) {
      throw new DispatchError('internal', `Session ${record.snapshot.sessionId} cannot go from ${from} to ${to}`);
    }
    this.emit(record, { kind: 'state', state: to, ...(message ? { message: message.slice(0, 4_000) } : {}) });
  }

  emit(record: JournalRecord, body: EventBody): SessionEvent {
    const snapshot = record.snapshot;
    const event = { ...(this.secrets ? this.secrets.maskDeep(body) : body), sessionId: snapshot.sessionId, seq: snapshot.lastSeq + 1, at: this.clock.now() } as SessionEvent;
    fold(snapshot, event);
    record.events.push(event);
    this.journal.write(record);
    this.deliver(event);
    return event;
  }

  /**
   * Hands events to listeners strictly in order. A listener may cause another event
   * (an approval answered synchronously); that one waits until every listener has
   * seen the current one, so no listener ever sees seq 6 before seq 5.
   */
  private deliver(event: SessionEvent): void {
    this.outbox.push(event);
    if (this.delivering) return;
    this.delivering = true;
    try {
      for (let next = this.outbox.shift(); next; next = this.outbox.shift()) {
        for (const listener of this.listeners) {
          try {
            listener(next);
          } catch (error) {
            this.logger.error('event listener threw', { error: String(error), sessionId: next.sessionId });
          }
        }
      }
    } finally {
      this.delivering = false;
    }
  }

  /** Persists a change that is not an event (conversation id, prune mark). */
  save(record: JournalRecord): void {
    this.journal.write(record);
  }

  onEvent(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  unacknowledged(): SessionEvent[] {
    return this.all().flatMap((record) => record.events);
  }

  acknowledge(sessionId: string, throughSeq: number): void {
    const record = this.records.get(sessionId);
    if (!record) throw new DispatchError('not_found', `No session ${sessionId}`);
    const before = record.events.length;
    record.events = record.events.filter((event) => event.seq > throughSeq);
    if (record.events.length !== before) this.journal.write(record);
  }
}

/** Folds one event into the snapshot it describes. */
function fold(snapshot: SessionSnapshot, event: SessionEvent): void {
  snapshot.lastSeq = event.seq;
  snapshot.updatedAt = event.at;
  switch (event.kind) {
    case 'state':
      snapshot.state = event.state;
      if (event.state === 'queued') {
        delete snapshot.result;
        snapshot.pendingApprovals = [];
      }
      if (event.state !== 'waiting_for_approval' && event.state !== 'running') snapshot.pendingApprovals = [];
      break;
    case 'workspace':
      Object.assign(snapshot, {
        repo: event.repo,
        branch: event.branch,
        worktree: event.worktree,
        baseCommit: event.baseCommit,
        agent: event.agent,
      });
      break;
    case 'approval_requested':
      snapshot.pendingApprovals = [...snapshot.pendingApprovals, event.request];
      break;
    case 'approval_resolved':
      snapshot.pendingApprovals = snapshot.pendingApprovals.filter((r) => r.requestId !== event.decision.requestId);
      break;
    case 'result':
      snapshot.result = event.result;
      break;
    default:
      break;
  }
}
