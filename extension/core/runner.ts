import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import PQueue from 'p-queue';
import { systemClock, type Clock } from '../../shared/clock.js';
import { DispatchError } from '../../shared/errors.js';
import { silentLogger, type Logger } from '../../shared/logger.js';
import {
  ApprovalDecisionSchema,
  isFinal,
  MAX_TASK_LENGTH,
  type ApprovalDecision,
  type JobSpec,
  type SessionEvent,
  type SessionSnapshot,
} from '../../shared/sessions.js';
import type { Agent, AgentFactory } from './agents/agent.js';
import { agentByName } from './agents/agentByName.js';
import type { ApprovalPolicy } from './approvals.js';
import type { AttachWatch } from './attachWatch.js';
import { watchAttachedSessions } from './attachedSessions.js';
import { Journal, type JournalRecord } from './journal.js';
import { findRepo, validateRepos, type RepoConfig } from './repositories.js';
import { endLeftoverProcesses, ProcessGroups } from './processGroups.js';
import { runnerSecretMask, type SecretMask } from './secretMask.js';
import { restrictRunnerState } from './stateFiles.js';
import { SessionStore } from './sessionStore.js';
import { RunnerLock } from './runnerLock.js';
import { KeyedLock } from './repoLock.js';
import { shipSession, type ShipOutcome, type ShipRequest } from './ship/shipSession.js';
import { Worktrees } from './worktrees.js';
import { DepsCache } from './depsCache.js';
import { prefetchManagerVersions } from './depsKey.js';
import { WorktreePool } from './worktreePool.js';
import { WarmPoolSchedule } from './warmPoolSchedule.js';
import { pruneFinishedWorktrees, type PruneReport } from './worktreePrune.js';
import { sessionApprovalPolicy } from './sessionApprovals.js';
import { GrantBook } from './grants.js';
import { taskTooLong, validateJob } from './jobValidation.js';
import { resultWithoutRun } from './resultWithoutRun.js';
import { TurnQueue } from './turnQueue.js';

export type { RepoConfig } from './repositories.js';
export type { PruneReport } from './worktreePrune.js';

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
  /** The secrets blanked out of session logs and events; default: those of process.env and DISPATCH_HOME's state files. */
  secrets?: SecretMask;
  /** Where a push and a pull request find the machine's credentials and API settings (default process.env). */
  shipEnv?: Record<string, string | undefined>;
  /** DISPATCH_DEPS_CACHE_MAX in bytes: installed dependencies kept for later sessions (0 = off; default 5 GB). */
  depsCacheMaxBytes?: number;
  /** DISPATCH_DEPS_CACHE_NO_LOCKFILE_TTL: how long an npm install without a lockfile is reused (default 24 h). */
  depsCacheNoLockfileTtlMs?: number;
  /** DISPATCH_WORKTREE_POOL: ready worktrees per repository, built while idle (default 0 here; hosts pass the setting). */
  worktreePool?: number;
  /** How long the runner must have been idle before it builds warm worktrees (default 3 s; tests use 0). */
  warmPoolDelayMs?: number;
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
  private readonly secrets: SecretMask;
  private readonly processGroups: ProcessGroups;
  private readonly store: SessionStore;
  private readonly worktrees = new Worktrees();
  private readonly deps: DepsCache;
  private readonly pool: WorktreePool;
  private readonly warmPool: WarmPoolSchedule;
  private readonly lock: RunnerLock;
  private readonly queue: PQueue;
  private readonly policies = new Map<string, ApprovalPolicy>();
  /** "Approve 30 min" grants of this machine, across sessions and restarts (grants.ts). */
  private readonly grants: GrantBook;
  private readonly turns: TurnQueue;
  private readonly admitting = new Map<string, Promise<SessionSnapshot>>();
  /** One push at a time per session: a double press must not race two pushes. */
  private readonly shipping = new KeyedLock();
  /** Set once the lock is held: until then another runner may be writing the journal. */
  private ownsJournal = false;
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
    this.secrets = options.secrets ?? runnerSecretMask(options.home);
    this.store = new SessionStore(new Journal(options.home), this.clock, this.logger, this.secrets);
    this.lock = new RunnerLock(options.home);
    this.grants = new GrantBook(this.clock, path.join(options.home, 'grants.json'));
    this.processGroups = new ProcessGroups(options.home);
    this.queue = new PQueue({ concurrency: this.maxSessions });
    this.deps = new DepsCache(options.home, options.depsCacheMaxBytes, this.logger.child({ part: 'deps-cache' }), (signal) => this.untilIdle(signal), options.depsCacheNoLockfileTtlMs);
    this.pool = new WorktreePool({ home: options.home, size: options.worktreePool ?? 0, worktrees: this.worktrees, deps: this.deps, logger: this.logger.child({ part: 'pool' }) });
    this.warmPool = new WarmPoolSchedule({
      pool: this.pool,
      repos: this.repos,
      idle: () => this.idle(),
      owner: () => this.ownsJournal,
      logger: this.logger,
      ...(options.warmPoolDelayMs !== undefined ? { delayMs: options.warmPoolDelayMs } : {}),
    });
    this.turns = new TurnQueue({
      queue: this.queue,
      maxSessions: this.maxSessions,
      store: this.store,
      logger: this.logger,
      processGroups: this.processGroups,
      shared: { worktrees: this.worktrees, home: options.home, secrets: this.secrets, deps: this.deps, pool: this.pool },
      agentFor: (name) => this.agentFor(name),
      repoFor: (record) => this.repoFor(record),
      policyFor: (record) => this.policyFor(record),
      stopped: () => this.stopped,
      // Once the queue has let go of a turn, the runner may be idle: top the pool up.
      afterTurn: () => this.warmPool.soon(),
    });
  }

  /** Loads the journal: sessions cut off mid-run become `interrupted` (worktree kept); queued ones run. */
  start(): Promise<void> {
    this.starting ??= Promise.resolve().then(async () => {
      if (this.stopped) throw new DispatchError('offline', 'This runner was stopped; create a new one.');
      this.lock.acquire();
      // Before anything else: state owner-only, and nothing a killed runner started still running.
      restrictRunnerState(this.options.home);
      await endLeftoverProcesses(this.processGroups, this.options.home, this.secrets, this.logger);
      // Then read the journal again now that this runner owns it: while it waited for the lock,
      // the previous runner went on writing (a session completed). Recovery must judge the
      // records as they are on disk, so a final state is never overwritten and no sequence
      // number is used twice.
      this.store.load();
      this.ownsJournal = true;
      for (const record of this.store.all()) {
        const state = record.snapshot.state;
        if (state === 'preparing' || state === 'running' || state === 'waiting_for_approval') this.interrupt(record);
        else if (state === 'queued') this.enqueue(record);
      }
      this.watchAttachments().start();
      if (this.deps.enabled) prefetchManagerVersions();
      this.warmPool.start();
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

  /** Ends a grant early, for the person whose session this is; false when no such grant is live. */
  endGrant(sessionId: string, grantId: string): boolean {
    const record = this.store.get(sessionId);
    if (!record) throw new DispatchError('not_found', `No session ${sessionId}.`);
    return this.policyFor(record).endGrant(grantId) !== undefined;
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
    const windingDown = this.turns.cancel(sessionId);
    if (windingDown) {
      await windingDown;
      return;
    }
    if (record.snapshot.state === 'queued') {
      this.store.emit(record, { kind: 'result', result: resultWithoutRun(record, 'Cancelled before it started.') });
      this.store.transition(record, 'cancelled', 'Cancelled before it started.');
    }
  }

  /** Pushes a finished session's own branch and, when asked, opens its pull request (ship/shipSession.ts). */
  async ship(sessionId: string, request: ShipRequest): Promise<ShipOutcome> {
    if (this.stopped) throw new DispatchError('offline', 'The runner is stopping and accepts no new work.');
    await this.start();
    const record = this.required(sessionId);
    const context = { store: this.store, secrets: this.secrets, logger: this.logger, env: this.options.shipEnv ?? process.env, now: () => this.clock.now() };
    const base = this.repoFor(record).base;
    return this.shipping.run(sessionId, () => shipSession({ ...context, ...(base !== undefined ? { base } : {}) }, record, request));
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
    return (await this.pruneReport(options)).removed;
  }

  /** Removes finished sessions' worktrees and says what it kept and why (worktreePrune.ts). */
  async pruneReport(options: { olderThanMs: number; branches?: boolean }): Promise<PruneReport> {
    this.ensureLoaded();
    return pruneFinishedWorktrees({ store: this.store, worktrees: this.worktrees, clock: this.clock, logger: this.logger }, options);
  }

  /** `dispatch runner prune`, second part: the dependency cache (leftovers, unused entries, over the bound) and the warm pool. */
  async pruneWarmStarts(options: { olderThanMs: number }): Promise<{ cache: string[]; pool: string[] }> {
    const cache = await this.deps.prune(options.olderThanMs, this.clock.now());
    const pool = await this.pool.prune();
    return { cache, pool };
  }

  /** Adds a secret learnt after start (the machine's new bridge credential) to what logs and events blank out. */
  maskSecret(value: string): void {
    this.secrets.add(value);
  }

  repositories(): { name: string; path: string; default: boolean }[] {
    return this.repos.map((repo, index) => ({ name: repo.name, path: repo.path, default: index === 0 }));
  }

  /** Stops accepting work, interrupts running sessions, waits briefly; queued sessions stay queued in the journal. */
  async stop(): Promise<void> {
    this.attachWatch?.stop(); // first: a held follow-up taken off disk now could no longer run
    this.stopped = true;
    const building = this.warmPool.stop();
    this.queue.pause();
    this.queue.clear();
    const running = this.turns.abortAll('stop');
    const grace = sleep(this.options.stopGraceMs ?? 5_000, undefined, { ref: false });
    await Promise.race([Promise.allSettled([...running, building]), grace]);
    // Copies into the dependency cache wait for an idle runner (they never compete with a session):
    // stopped, it is idle, so they get a grace of their own before they are cut short.
    await Promise.race([this.deps.settled(), sleep(this.options.stopGraceMs ?? 5_000, undefined, { ref: false })]);
    await Promise.all([this.deps.stop(), this.pool.stop()]); // background copies into the dependency cache, the pool's watches
    for (const policy of this.policies.values()) policy.dispose();
    this.lock.release();
  }

  /** `dispatch attach` (another process) may have a session in a terminal: see attachedSessions.ts. */
  private watchAttachments(): AttachWatch {
    this.attachWatch ??= watchAttachedSessions({ home: this.options.home, clock: this.clock, store: this.store, logger: this.logger, followUp: (sessionId, text) => this.followUp(sessionId, text) });
    return this.attachWatch;
  }

  /** Resolves once the runner is idle (or `signal` aborts): checked every 200 ms, which is nothing next to a copy. */
  private async untilIdle(signal: AbortSignal): Promise<void> {
    // Held open (ref'd): a copy waiting for its turn is work the process still has to do.
    while (!this.idle() && !signal.aborted) await sleep(200, undefined, { signal }).catch(() => undefined);
  }

  /** No session running, queued or being admitted: the only time the warm pool is built. */
  private idle(): boolean {
    return this.turns.running === 0 && this.queue.size === 0 && this.queue.pending === 0 && this.admitting.size === 0;
  }

  /**
   * Before this runner holds the lock, every read looks at the journal afresh (the
   * runner that owns it keeps writing), without touching the other runner's files.
   */
  private ensureLoaded(): void {
    if (this.ownsJournal) return;
    this.store.load({ readOnly: true });
  }

  private required(sessionId: string): JournalRecord {
    this.ensureLoaded();
    const record = this.store.get(sessionId);
    if (!record) throw new DispatchError('not_found', `No session ${sessionId}.`);
    return record;
  }

  private agentFor(name: string): Agent {
    return agentByName(this.options.agents, name);
  }

  private repoFor(record: JournalRecord): RepoConfig {
    const name = record.snapshot.repo ?? '';
    return this.repos.find((repo) => repo.name === name) ?? { name, path: record.repoPath };
  }

  private enqueue(record: JournalRecord): void {
    this.turns.enqueue(record);
  }

  private policyFor(record: JournalRecord): ApprovalPolicy {
    const sessionId = record.snapshot.sessionId;
    let policy = this.policies.get(sessionId);
    if (policy) return policy;
    policy = sessionApprovalPolicy(record, {
      store: this.store,
      clock: this.clock,
      ttlMinutes: this.options.approvalTtlMinutes ?? 30,
      remindMinutes: this.options.approvalRemindMinutes ?? 15,
      ...(this.options.reminderPollMs !== undefined ? { pollMs: this.options.reminderPollMs } : {}),
      grants: this.grants,
    });
    this.policies.set(sessionId, policy);
    return policy;
  }

  /** A session the journal shows mid-run belongs to a runner that died: say so, keep its worktree. */
  private interrupt(record: JournalRecord): void {
    const message = 'The runner stopped while this session was running (crash or restart). The worktree and branch are kept; send a follow-up to continue.';
    this.store.emit(record, { kind: 'result', result: resultWithoutRun(record, `Interrupted: ${message}`) });
    this.store.transition(record, 'interrupted', message);
  }
}

function clone<T>(value: T): T {
  return structuredClone(value);
}
