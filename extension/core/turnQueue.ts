import { setTimeout as sleep } from 'node:timers/promises';
import type PQueue from 'p-queue';
import { asDispatchError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { Agent } from './agents/agent.js';
import type { ApprovalPolicy } from './approvals.js';
import type { JournalRecord } from './journal.js';
import { processScope, type ProcessGroups } from './processGroups.js';
import type { RepoConfig } from './repositories.js';
import { resultWithoutRun } from './resultWithoutRun.js';
import { runTurn, type StopReason, type TurnContext } from './sessionRun.js';
import type { SessionStore } from './sessionStore.js';

export interface TurnQueueOptions {
  /** The runner's queue: its concurrency is maxSessions, and the runner pauses and clears it on stop. */
  queue: PQueue;
  maxSessions: number;
  store: SessionStore;
  logger: Logger;
  processGroups: ProcessGroups;
  /** What every turn's context holds whatever the session: the runner's own parts. */
  shared: Pick<TurnContext, 'worktrees' | 'home' | 'secrets' | 'deps' | 'pool'>;
  agentFor(name: string): Agent;
  repoFor(record: JournalRecord): RepoConfig;
  policyFor(record: JournalRecord): ApprovalPolicy;
  stopped(): boolean;
  /** Once the queue has let go of a turn, the runner may be idle. */
  afterTurn(): void;
}

interface Active {
  controller: AbortController;
  reason?: StopReason;
  done: Promise<void>;
}

/**
 * The session turns of one runner: queued up to maxSessions at a time, each run in its
 * own process scope, and the running ones abortable (a cancel, or the runner stopping).
 */
export class TurnQueue {
  private readonly active = new Map<string, Active>();

  constructor(private readonly options: TurnQueueOptions) {}

  /** How many turns are running now. */
  get running(): number {
    return this.active.size;
  }

  enqueue(record: JournalRecord): void {
    const { queue, maxSessions } = this.options;
    const ahead = queue.size + queue.pending - maxSessions + 1;
    if (ahead > 0) {
      const text = `waiting: ${ahead} session${ahead === 1 ? '' : 's'} ahead (limit ${maxSessions})`;
      this.options.store.emit(record, { kind: 'progress', text });
    }
    queue.add(() => this.run(record)).catch((error: unknown) => {
      this.options.logger.error('session turn crashed', { sessionId: record.snapshot.sessionId, error: String(error) });
    });
  }

  /**
   * Aborts the session's running turn and resolves once it wound down (15 s at the most);
   * undefined, at once, when no turn of it runs.
   */
  cancel(sessionId: string): Promise<void> | undefined {
    const active = this.active.get(sessionId);
    if (!active) return undefined;
    active.reason ??= 'cancel';
    active.controller.abort();
    return Promise.race([active.done, sleep(15_000, undefined, { ref: false })]);
  }

  /** Aborts every running turn; returns their ends, to wait for. */
  abortAll(reason: StopReason): Promise<void>[] {
    const running = [...this.active.values()];
    for (const active of running) {
      active.reason ??= reason;
      active.controller.abort();
    }
    return running.map((active) => active.done);
  }

  private async run(record: JournalRecord): Promise<void> {
    if (record.snapshot.state !== 'queued' || this.options.stopped()) return;
    const { store, logger } = this.options;
    const sessionId = record.snapshot.sessionId;
    let agent: Agent;
    try {
      agent = this.options.agentFor(record.snapshot.agent ?? 'builtin');
    } catch (error) {
      const message = asDispatchError(error).message;
      store.emit(record, { kind: 'result', result: resultWithoutRun(record, `Failed: ${message}`, message) });
      store.transition(record, 'failed', message);
      return;
    }
    const repo = this.options.repoFor(record);
    const active: Active = { controller: new AbortController(), done: Promise.resolve() };
    // The processes this turn starts are journaled under its session (see processGroups.ts).
    active.done = processScope.run(this.options.processGroups.watcher(sessionId), () => runTurn(
      {
        ...this.options.shared,
        store,
        logger: logger.child({ sessionId }),
        agent,
        approvals: this.options.policyFor(record),
        signal: active.controller.signal,
        stopReason: () => active.reason,
        repo: { name: repo.name, ...(repo.base !== undefined ? { base: repo.base } : {}) },
      },
      record,
    ));
    this.active.set(sessionId, active);
    try {
      await active.done;
    } finally {
      // A follow-up may already have started the next turn of this session.
      if (this.active.get(sessionId) === active) this.active.delete(sessionId);
      this.options.afterTurn();
    }
  }
}
