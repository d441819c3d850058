import { setTimeout as sleep } from 'node:timers/promises';
import PQueue from 'p-queue';
import { systemClock, type Clock } from '../../shared/clock.js';
import { asDispatchError, DispatchError } from '../../shared/errors.js';
import { silentLogger, type Logger } from '../../shared/logger.js';
import {
  ApprovalDecisionSchema,
  isFinal,
  JobSpecSchema,
  MAX_TASK_LENGTH,
  type ApprovalDecision,
  type JobSpec,
  type SessionEvent,
  type SessionSnapshot,
} from '../../shared/sessions.js';
import type { Agent, AgentFactory } from './agents/agent.js';
import { BuiltinAgent } from './agents/builtin.js';
import { ApprovalPolicy } from './approvals.js';
import { AttachWatch } from './attachWatch.js';
import { Journal, type JournalRecord } from './journal.js';
import { findRepo, validateRepos, type RepoConfig } from './repositories.js';
import { runTurn, type StopReason } from './sessionRun.js';
import { SessionStore } from './sessionStore.js';
import { RunnerLock } from './runnerLock.js';
import { Worktrees } from './worktrees.js';

export type { RepoConfig } from './repositories.js';

export interface RunnerOptions {
  /** DISPATCH_HOME: journal in <home>/journal, worktrees in <home>/worktrees, logs in <home>/logs. */
  home: string;
  /** The first is the default. */
  repos: RepoConfig[];
  /** Makes agents by name; `builtin` works even if the factory does not know it. */
  agents: AgentFactory;
  defaultAgent?: string;
  maxSessions?: number;
  approvalTtlMinutes?: number;
  approvalRemindMinutes?: number;
  clock?: Clock;
  logger?: Logger;
  /** How often (real ms) waiting approvals look at the clock for reminders; tests shorten it. */
  reminderPollMs?: number;
  /** How long stop() waits for running sessions to wind down. */
  stopGraceMs?: number;
}

interface Active {
  controller: AbortController;
  reason?: StopReason;
  done: Promise<void>;
}

/**
 * The machine side of Dispatch: accepts jobs, runs each as a session in its own
 * worktree with an agent behind the approval policy, and journals every event before
 * anyone hears of it, so a crash or a lost connection loses nothing.
 */
export class Runner {
  private readonly repos: RepoConfig[];
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly maxSessions: number;
  private readonly store: SessionStore;
  private readonly worktrees = new Worktrees();
  private readonly lock: RunnerLock;
  private readonly queue: PQueue;
  private readonly policies = new Map<string, ApprovalPolicy>();
  private readonly active = new Map<string, Active>();
  private readonly admitting = new Map<string, Promise<SessionSnapshot>>();
  private loaded = false;
  private starting: Promise<void> | undefined;
  private stopped = false;
  private attachWatch: AttachWatch | undefined;

  constructor(private readonly options: RunnerOptions) {
    this.repos = validateRepos(options.repos);
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.maxSessions = options.maxSessions ?? 2;
    if (!Number.isInteger(this.maxSessions) || this.maxSessions < 1) {
      throw new DispatchError('bad_config', `maxSessions must be a positive integer, got ${this.maxSessions}`);
    }
    this.store = new SessionStore(new Journal(options.home), this.clock, this.logger);
    this.lock = new RunnerLock(options.home);
    this.queue = new PQueue({ concurrency: this.maxSessions });
  }

  /** Loads the journal: sessions cut off mid-run become `interrupted` (worktree kept); queued ones run. */
  start(): Promise<void> {
    this.starting ??= Promise.resolve().then(() => {
      if (this.stopped) throw new DispatchError('offline', 'This runner was stopped; create a new one.');
      this.lock.acquire();
      this.ensureLoaded();
      for (const record of this.store.all()) {
        const state = record.snapshot.state;
        if (state === 'preparing' || state === 'running' || state === 'waiting_for_approval') this.interrupt(record);
        else if (state === 'queued') this.enqueue(record);
      }
      this.watchAttachments().start();
    });
    // A start that failed (another runner holds DISPATCH_HOME) may be tried again later.
    this.starting.catch(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  async submit(job: JobSpec): Promise<SessionSnapshot> {
    if (this.stopped) throw new DispatchError('offline', 'The runner is stopping and accepts no new jobs.');
    const spec = validateJob(job);
    this.ensureLoaded();
    const existing = this.store.get(spec.jobId);
    if (existing) return clone(existing.snapshot);
    let admitting = this.admitting.get(spec.jobId);
    if (!admitting) {
      admitting = this.admit(spec).finally(() => this.admitting.delete(spec.jobId));
      this.admitting.set(spec.jobId, admitting);
    }
    return admitting;
  }

  private async admit(spec: JobSpec): Promise<SessionSnapshot> {
    await this.start();
    const agent = spec.agent ?? this.options.defaultAgent ?? 'builtin';
    this.agentFor(agent);
    const repo = findRepo(this.repos, spec.repo);
    const info = await this.worktrees.inspect(repo.path);
    const record = this.store.create(spec, repo.name, info.root, agent);
    this.enqueue(record);
    return clone(record.snapshot);
  }

  decide(sessionId: string, decision: ApprovalDecision): void {
    const parsed = ApprovalDecisionSchema.safeParse(decision);
    if (!parsed.success) throw new DispatchError('bad_input', `Invalid decision: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
    if (!this.store.get(sessionId)) throw new DispatchError('not_found', `No session ${sessionId}.`);
    const outcome = this.policies.get(sessionId)?.decide(parsed.data) ?? 'unknown';
    if (outcome === 'unknown') {
      throw new DispatchError('not_found', `Session ${sessionId} has no approval request ${parsed.data.requestId}.`);
    }
  }

  async followUp(sessionId: string, text: string): Promise<void> {
    if (this.stopped) throw new DispatchError('offline', 'The runner is stopping and accepts no new work.');
    if (!text.trim()) throw new DispatchError('bad_input', 'The follow-up is empty.');
    if (text.length > MAX_TASK_LENGTH) throw new DispatchError('bad_input', taskTooLong(text.length));
    await this.start();
    const record = this.required(sessionId);
    if (!isFinal(record.snapshot.state)) {
      throw new DispatchError('conflict', `Session ${sessionId} is still ${record.snapshot.state}; wait for it to finish or cancel it.`);
    }
    if (record.pruned) throw new DispatchError('conflict', `Session ${sessionId}'s worktree was pruned; start a new task.`);
    this.watchAttachments().holdWhileAttached(sessionId, text);
    record.task = text;
    this.store.transition(record, 'queued', `Follow-up: ${text.split(/\r?\n/, 1)[0]?.slice(0, 200) ?? ''}`);
    this.enqueue(record);
  }

  async cancel(sessionId: string): Promise<void> {
    const record = this.required(sessionId);
    const active = this.active.get(sessionId);
    if (active) {
      active.reason ??= 'cancel';
      active.controller.abort();
      await Promise.race([active.done, sleep(15_000, undefined, { ref: false })]);
      return;
    }
    if (record.snapshot.state === 'queued') {
      this.store.emit(record, { kind: 'result', result: emptyResult(record, 'Cancelled before it started.') });
      this.store.transition(record, 'cancelled', 'Cancelled before it started.');
    }
  }

  sessions(): SessionSnapshot[] {
    this.ensureLoaded();
    return this.store.all().map((record) => clone(record.snapshot));
  }

  session(sessionId: string): SessionSnapshot | undefined {
    this.ensureLoaded();
    const record = this.store.get(sessionId);
    return record ? clone(record.snapshot) : undefined;
  }

  onEvent(listener: (event: SessionEvent) => void): () => void {
    return this.store.onEvent(listener);
  }

  unacknowledged(): SessionEvent[] {
    this.ensureLoaded();
    return this.store.unacknowledged().map(clone);
  }

  acknowledge(sessionId: string, throughSeq: number): void {
    this.ensureLoaded();
    this.store.acknowledge(sessionId, throughSeq);
  }

  /** Removes finished sessions' worktrees (never one that is running); returns the removed paths. */
  async prune(options: { olderThanMs: number; branches?: boolean }): Promise<string[]> {
    this.ensureLoaded();
    const cutoff = this.clock.now() - options.olderThanMs;
    const removed: string[] = [];
    for (const record of this.store.all()) {
      const { sessionId, state, worktree, branch, updatedAt } = record.snapshot;
      // The final state is the last thing a turn writes, so a final session no longer uses its worktree.
      if (!isFinal(state) || record.pruned || !worktree || updatedAt > cutoff) continue;
      try {
        await this.worktrees.remove(record.repoPath, worktree);
        if (options.branches && branch) await this.worktrees.deleteBranch(record.repoPath, branch).catch(() => undefined);
        record.pruned = true;
        this.store.save(record);
        removed.push(worktree);
      } catch (error) {
        this.logger.warn('could not prune a worktree', { sessionId, worktree, error: asDispatchError(error).message });
      }
    }
    return removed;
  }

  repositories(): { name: string; path: string; default: boolean }[] {
    return this.repos.map((repo, index) => ({ name: repo.name, path: repo.path, default: index === 0 }));
  }

  /** Stops accepting work, interrupts running sessions, waits briefly; queued sessions stay queued in the journal. */
  async stop(): Promise<void> {
    this.attachWatch?.stop(); // first: a held follow-up taken off disk now could no longer run
    this.stopped = true;
    this.queue.pause();
    this.queue.clear();
    const running = [...this.active.values()];
    for (const active of running) {
      active.reason ??= 'stop';
      active.controller.abort();
    }
    const grace = sleep(this.options.stopGraceMs ?? 5_000, undefined, { ref: false });
    await Promise.race([Promise.allSettled(running.map((active) => active.done)), grace]);
    for (const policy of this.policies.values()) policy.dispose();
    this.lock.release();
  }

  /** `dispatch attach` (another process) may have a session in a terminal: see attachWatch.ts. */
  private watchAttachments(): AttachWatch {
    this.attachWatch ??= new AttachWatch({
      home: this.options.home,
      now: () => this.clock.now(),
      note: (sessionId, text) => {
        const record = this.store.get(sessionId);
        if (record) this.store.emit(record, { kind: 'progress', text });
      },
      resume: (sessionId, text) =>
        void this.followUp(sessionId, text).catch((error: unknown) => this.logger.warn('a held follow-up could not run', { sessionId, error: asDispatchError(error).message })),
    });
    return this.attachWatch;
  }

  private ensureLoaded(): void {
    if (this.loaded) return;
    this.loaded = true;
    this.store.load();
  }

  private required(sessionId: string): JournalRecord {
    this.ensureLoaded();
    const record = this.store.get(sessionId);
    if (!record) throw new DispatchError('not_found', `No session ${sessionId}.`);
    return record;
  }

  private agentFor(name: string): Agent {
    let agent: Agent | undefined;
    try {
      agent = this.options.agents(name);
    } catch (error) {
      if (name !== 'builtin') throw asDispatchError(error);
    }
    if (!agent && name === 'builtin') agent = new BuiltinAgent();
    if (!agent) throw new DispatchError('not_found', `Unknown agent "${name}".`);
    return agent;
  }

  private repoFor(record: JournalRecord): RepoConfig {
    const name = record.snapshot.repo ?? '';
    return this.repos.find((repo) => repo.name === name) ?? { name, path: record.repoPath };
  }

  private enqueue(record: JournalRecord): void {
    const ahead = this.queue.size + this.queue.pending - this.maxSessions + 1;
    if (ahead > 0) {
      const text = `waiting: ${ahead} session${ahead === 1 ? '' : 's'} ahead (limit ${this.maxSessions})`;
      this.store.emit(record, { kind: 'progress', text });
    }
    this.queue.add(() => this.run(record)).catch((error: unknown) => {
      this.logger.error('session turn crashed', { sessionId: record.snapshot.sessionId, error: String(error) });
    });
  }

  private async run(record: JournalRecord): Promise<void> {
    if (record.snapshot.state !== 'queued' || this.stopped) return;
    const sessionId = record.snapshot.sessionId;
    let agent: Agent;
    try {
      agent = this.agentFor(record.snapshot.agent ?? 'builtin');
    } catch (error) {
      const message = asDispatchError(error).message;
      this.store.emit(record, { kind: 'result', result: emptyResult(record, `Failed: ${message}`, message) });
      this.store.transition(record, 'failed', message);
      return;
    }
    const repo = this.repoFor(record);
    const active: Active = { controller: new AbortController(), done: Promise.resolve() };
    active.done = runTurn(
      {
        store: this.store,
        worktrees: this.worktrees,
        home: this.options.home,
        logger: this.logger.child({ sessionId }),
        agent,
        approvals: this.policyFor(record),
        signal: active.controller.signal,
        stopReason: () => active.reason,
        repo: { name: repo.name, ...(repo.base !== undefined ? { base: repo.base } : {}) },
      },
      record,
    );
    this.active.set(sessionId, active);
    try {
      await active.done;
    } finally {
      // A follow-up may already have started the next turn of this session.
      if (this.active.get(sessionId) === active) this.active.delete(sessionId);
    }
  }

  private policyFor(record: JournalRecord): ApprovalPolicy {
    const sessionId = record.snapshot.sessionId;
    let policy = this.policies.get(sessionId);
    if (policy) return policy;
    policy = new ApprovalPolicy({
      clock: this.clock,
      ttlMinutes: this.options.approvalTtlMinutes ?? 30,
      remindMinutes: this.options.approvalRemindMinutes ?? 15,
      ...(this.options.reminderPollMs !== undefined ? { pollMs: this.options.reminderPollMs } : {}),
      onRequested: (request) => {
        this.store.emit(record, { kind: 'approval_requested', request });
        // A listener may have answered already (--yes answers synchronously): then no wait.
        const stillPending = policy?.waiting().some((r) => r.requestId === request.requestId);
        if (stillPending && record.snapshot.state === 'running') this.store.transition(record, 'waiting_for_approval');
      },
      onReminder: (requestId) => this.store.emit(record, { kind: 'approval_reminder', requestId }),
      onResolved: (decision) => {
        this.store.emit(record, { kind: 'approval_resolved', decision });
        if (record.snapshot.state === 'waiting_for_approval' && policy?.waiting().length === 0) {
          this.store.transition(record, 'running');
        }
      },
    });
    this.policies.set(sessionId, policy);
    return policy;
  }

  /** A session the journal shows mid-run belongs to a runner that died: say so, keep its worktree. */
  private interrupt(record: JournalRecord): void {
    const message = 'The runner stopped while this session was running (crash or restart). The worktree and branch are kept; send a follow-up to continue.';
    this.store.emit(record, { kind: 'result', result: emptyResult(record, `Interrupted: ${message}`) });
    this.store.transition(record, 'interrupted', message);
  }
}

function taskTooLong(length: number): string {
  return `The task is ${length.toLocaleString('en-US')} characters long; the limit is ${MAX_TASK_LENGTH.toLocaleString('en-US')}.`;
}

function validateJob(job: JobSpec): JobSpec {
  const task: unknown = (job as { task?: unknown } | undefined)?.task;
  if (typeof task === 'string' && task.length > MAX_TASK_LENGTH) throw new DispatchError('bad_input', taskTooLong(task.length));
  if (typeof task === 'string' && !task.trim()) throw new DispatchError('bad_input', 'The task is empty.');
  const parsed = JobSpecSchema.safeParse(job);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'job'}: ${issue.message}`);
    throw new DispatchError('bad_input', `Invalid job — ${problems.join('; ')}`);
  }
  return parsed.data;
}

/** The result of a session that ends without running (cancelled in line, interrupted, no agent). */
function emptyResult(record: JournalRecord, summary: string, error?: string) {
  const { snapshot } = record;
  return {
    summary,
    filesChanged: [],
    diffstat: '',
    branch: snapshot.branch ?? '',
    baseCommit: snapshot.baseCommit ?? '',
    worktree: snapshot.worktree ?? '',
    durationMs: 0,
    ...(error ? { error } : {}),
  };
}

function clone<T>(value: T): T {
  return structuredClone(value);
}
