import { existsSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { asDispatchError, DispatchError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { FileChange, SessionResult, SessionState } from '../../shared/sessions.js';
import type { Agent, AgentEvent, AgentOutcome, ApprovalGate, TurnPlan } from './agents/agent.js';
import { stripAnsi } from './agents/ansi.js';
import type { JournalRecord } from './journal.js';
import type { SessionStore } from './sessionStore.js';
import type { SecretMask } from './secretMask.js';
import { SessionLog } from './sessionLog.js';
import { shipReadiness } from './ship/readiness.js';
import { safeShortId, sessionBranchName, slugify } from './slug.js';
import type { DepsCache } from './depsCache.js';
import { TurnDependencies } from './turnDependencies.js';
import type { Worktrees } from './worktrees.js';
import type { TakenWorktree, WorktreePool } from './worktreePool.js';
import { pushConfigFingerprint } from './ship/sharedGitConfig.js';

/** The most changed files a result lists by name; the diffstat's last line counts them all. */
const MAX_LISTED_FILES = 500;

/** At most 20,000 characters, keeping the last line ("N files changed, …"). */
function boundedDiffstat(diffstat: string): string {
  if (diffstat.length <= 20_000) return diffstat;
  const total = diffstat.slice(diffstat.trimEnd().lastIndexOf('\n') + 1);
  return `${diffstat.slice(0, 19_000 - total.length)}\n …\n${total}`;
}

/** Why a turn was aborted: a person cancelled it, or the runner is stopping. */
export type StopReason = 'cancel' | 'stop';

/** Everything one turn of a session needs, handed over by the Runner. */
export interface TurnContext {
  store: SessionStore;
  worktrees: Worktrees;
  home: string;
  logger: Logger;
  agent: Agent;
  approvals: ApprovalGate;
  signal: AbortSignal;
  stopReason(): StopReason | undefined;
  repo: { name: string; base?: string };
  /** The runner's known secrets, blanked out of the session log. */
  secrets?: SecretMask;
  /** Installed dependencies kept from earlier sessions (absent: every session installs). */
  deps?: DepsCache;
  /** Ready worktrees a new session takes instead of making one (absent: none). */
  pool?: WorktreePool;
}

interface TurnEnd {
  outcome?: AgentOutcome;
  failure?: string;
  startedAt: number;
  /** Time spent in the approval gate: waiting for a person, not working. */
  waitingMs: number;
  logFile: string;
  /** Which path the turn's dependencies took ("dependencies: from cache (…)"), if it needed any. */
  dependencies?: string;
  /**
   * The turn did nothing in a worktree that was there before it (a refused or denied
   * follow-up, say after a Cancel that said "kept"): it stays, unchanged or not.
   */
  keepWorktree?: boolean;
  /** Where the turn ran when that is not the branch the task named ("on master (the default branch) …"). */
  baseNote?: string;
}

/** The approval gate, timed: how long the turn waited for a person is shown apart from its working time. */
function timedGate(gate: ApprovalGate): { gate: ApprovalGate; waitingMs: () => number } {
  let waiting = 0;
  return {
    gate: {
      async check(call, signal) {
        const asked = performance.now();
        try {
          return await gate.check(call, signal);
        } finally {
          waiting += performance.now() - asked;
        }
      },
    },
    waitingMs: () => waiting,
  };
}

function planOf(agent: Agent, task: string): TurnPlan {
  try {
    return agent.prepare?.(task) ?? {};
  } catch {
    return {};
  }
}

/**
 * One turn of a session, from `queued` to a final state: make (or reuse) the worktree,
 * run the agent, commit what it changed, and report the result. Never throws: every
 * way a turn can end becomes a result event followed by the final state event.
 */
export async function runTurn(ctx: TurnContext, record: JournalRecord): Promise<void> {
  if (record.snapshot.state !== 'queued') return; // cancelled while waiting in line
  const startedAt = performance.now();
  const log = new SessionLog(ctx.home, record.snapshot.sessionId, ctx.secrets);
  let outcome: AgentOutcome | undefined;
  let failure: string | undefined;
  const timed = timedGate(ctx.approvals);
  // A task the agent cannot do is refused before anything exists: no worktree, no branch.
  const plan = planOf(ctx.agent, record.task);
  const deps = ctx.deps?.enabled ? new TurnDependencies(ctx.deps) : undefined;
  const hadWorktree = Boolean(record.snapshot.worktree);
  let baseNote: string | undefined;
  try {
    if (plan.refusal) outcome = plan.refusal;
    else {
      ctx.store.transition(record, 'preparing');
      const made = await ensureWorktree(ctx, record, plan.base);
      const taken = made?.taken;
      baseNote = made?.baseNote;
      if (taken?.deps && deps) {
        const line = deps.fromPool(taken.deps.lockHash, taken.deps.ms);
        log.write(`[dispatch] ${line}\n`);
        ctx.store.emit(record, { kind: 'progress', text: line });
      }
      if (!ctx.signal.aborted) {
        ctx.store.transition(record, 'running');
        outcome = await driveAgent({ ...ctx, approvals: timed.gate }, record, log, deps);
      }
    }
  } catch (error) {
    if (!ctx.signal.aborted) failure = asDispatchError(error).message;
    ctx.logger.debug('turn ended with an error', { sessionId: record.snapshot.sessionId, error: String(error) });
  }
  await log.close();
  const dependencies = deps?.report;
  const keepWorktree = hadWorktree && (Boolean(plan.refusal) || outcome?.denied === true);
  await finish(ctx, record, {
    outcome,
    failure,
    startedAt,
    waitingMs: timed.waitingMs(),
    logFile: log.file,
    ...(dependencies ? { dependencies } : {}),
    ...(keepWorktree ? { keepWorktree } : {}),
    ...(baseNote ? { baseNote } : {}),
  });
}

/**
 * Makes the session's worktree (from the warm pool when one is ready at the base); returns a
 * pool entry taken, and a note when the branch the task named is not the one it starts from.
 */
async function ensureWorktree(ctx: TurnContext, record: JournalRecord, branch?: string): Promise<{ taken?: TakenWorktree; baseNote?: string } | undefined> {
  const snapshot = record.snapshot;
  if (snapshot.worktree) {
    if (!existsSync(snapshot.worktree)) {
      throw new DispatchError('conflict', `The session's worktree ${snapshot.worktree} no longer exists (pruned?).`);
    }
    return undefined;
  }
  const based = await resolveTaskBase(ctx, record.repoPath, branch);
  const baseCommit = based.commit;
  // "on main" in a repository whose default branch is master runs at master: the branch and the result say so.
  const swapped = branch && based.name && based.name !== branch ? based.name : undefined;
  const shortId = safeShortId(snapshot.sessionId);
  const folder = path.join(ctx.home, 'worktrees', slugify(ctx.repo.name) || 'repo', shortId);
  const name = sessionBranchName(shortId, swapped && branch ? record.task.replace(new RegExp(String.raw`\b${branch}\b`, 'gi'), swapped) : record.task);
  const taken = await ctx.pool?.take(record.repoPath, baseCommit, folder, name);
  const made = taken ?? (await ctx.worktrees.add(record.repoPath, folder, name, baseCommit));
  // Before the agent first runs: what a push would later check the shared .git/config against.
  record.pushConfig = await pushConfigFingerprint(record.repoPath, made.worktree);
  ctx.store.emit(record, {
    kind: 'workspace',
    repo: ctx.repo.name,
    branch: made.branch,
    worktree: made.worktree,
    baseCommit: made.baseCommit,
    agent: ctx.agent.name,
  });
  const baseNote = swapped ? `Ran on ${swapped} (the default branch: this repository has no ${branch}).` : undefined;
  return { ...(taken ? { taken } : {}), ...(baseNote ? { baseNote } : {}) };
}

/**
 * The base a task's branch names. "run the tests on cookie" in the repository cookie names
 * the repository, not a branch: when no branch has that name, the configured base answers.
 */
async function resolveTaskBase(ctx: TurnContext, repoPath: string, branch: string | undefined): Promise<{ commit: string; name: string | undefined }> {
  const fallback = () => ctx.worktrees.resolveBaseNamed(repoPath, ctx.repo.base);
  if (branch === undefined) return fallback();
  try {
    return await ctx.worktrees.resolveBaseNamed(repoPath, branch);
  } catch (error) {
    if (asDispatchError(error).code !== 'not_found' || branch.toLowerCase() !== ctx.repo.name.toLowerCase()) throw error;
    return { ...(await fallback()), name: undefined };
  }
}

async function driveAgent(ctx: TurnContext, record: JournalRecord, log: SessionLog, dependencies?: TurnDependencies): Promise<AgentOutcome | undefined> {
  const { snapshot } = record;
  const events = ctx.agent.run({
    sessionId: snapshot.sessionId,
    worktree: snapshot.worktree ?? '',
    task: record.task,
    ...(record.conversationId ? { conversationId: record.conversationId } : {}),
    approvals: ctx.approvals,
    signal: ctx.signal,
    log: (text) => log.write(text),
    logger: ctx.logger,
    ...(dependencies ? { dependencies } : {}),
  });
  const iterator = events[Symbol.asyncIterator]();
  // An agent that ignores its signal must not hold a cancel hostage: race every step.
  const aborted = new Promise<'aborted'>((resolve) => {
    if (ctx.signal.aborted) resolve('aborted');
    ctx.signal.addEventListener('abort', () => resolve('aborted'), { once: true });
  });
  let outcome: AgentOutcome | undefined;
  for (;;) {
    const next: Promise<IteratorResult<AgentEvent>> = iterator.next();
    next.catch(() => undefined);
    const step = await Promise.race([next, aborted]);
    if (step === 'aborted') {
      iterator.return?.(undefined)?.catch(() => undefined);
      return outcome;
    }
    if (step.done) return outcome;
    const event = step.value;
    if (event.kind === 'progress') ctx.store.emit(record, { kind: 'progress', text: stripAnsi(event.text).slice(0, 4_000) });
    else outcome = event.outcome;
  }
}

function firstLine(task: string): string {
  return (task.trim().split(/\r?\n/, 1)[0] ?? '').slice(0, 200) || 'Dispatch session';
}

async function finish(ctx: TurnContext, record: JournalRecord, end: TurnEnd): Promise<void> {
  const { snapshot } = record;
  const stop = ctx.signal.aborted ? (ctx.stopReason() ?? 'cancel') : undefined;
  let state: SessionState = stop === 'stop' ? 'interrupted' : stop ? 'cancelled' : end.failure ? 'failed' : (end.outcome?.status ?? 'failed');
  let error = end.failure ?? end.outcome?.error;
  if (!stop && !end.failure && !end.outcome) error = `The ${ctx.agent.name} agent ended without reporting an outcome.`;
  const { worktree, baseCommit } = snapshot;
  if (!stop && worktree && end.outcome && end.outcome.commitChanges !== false) {
    try {
      await ctx.worktrees.commitAll(worktree, firstLine(record.task));
    } catch (commitError) {
      state = 'failed';
      error = `Could not commit the session's changes: ${asDispatchError(commitError).message}`;
    }
  }
  let diff: { files: FileChange[]; diffstat: string } = { files: [], diffstat: '' };
  if (worktree && baseCommit && existsSync(worktree)) {
    diff = await ctx.worktrees.diffAgainst(worktree, baseCommit).catch(() => diff);
  }
  // A turn that ended having changed nothing leaves nothing behind (a cancel keeps it: the person may look).
  const removed = !stop && !end.keepWorktree && worktree && baseCommit ? await removeIfUnchanged(ctx, record) : false;
  const summary =
    stop === 'cancel'
      ? 'Cancelled. The worktree and branch are kept.'
      : stop === 'stop'
        ? 'Interrupted: the runner stopped during this session. The worktree and branch are kept; send a follow-up to continue.'
        : end.failure
          ? `Failed: ${end.failure}`
          : (end.outcome?.summary ?? error ?? 'No outcome.');
  const waitingMs = Math.round(end.waitingMs);
  // What the chat needs to offer Push branch / Open pull request, and what an earlier turn already shipped.
  const ship = !removed && snapshot.branch && baseCommit ? await shipReadiness(record.repoPath, baseCommit, snapshot.branch) : undefined;
  const shipped = record.verdict?.result.shipped;
  // Which way the dependencies came is part of the verdict: a person can tell a warm start from a cold one.
  const where = end.baseNote ? `${summary}\n${end.baseNote}` : summary;
  const withDeps = end.dependencies ? `${where}\n${end.dependencies[0]?.toUpperCase()}${end.dependencies.slice(1)}.` : where;
  const result: SessionResult = {
    summary: stripAnsi(withDeps).slice(0, 20_000),
    // Bounded: a result event must fit the machine link's frame (the diffstat still counts them all).
    filesChanged: diff.files.slice(0, MAX_LISTED_FILES),
    diffstat: boundedDiffstat(diff.diffstat),
    branch: removed ? '' : (snapshot.branch ?? ''),
    baseCommit: baseCommit ?? '',
    worktree: removed ? '' : (worktree ?? ''),
    durationMs: Math.max(0, Math.round(performance.now() - end.startedAt) - waitingMs),
    ...(waitingMs >= 1_000 ? { waitingMs } : {}),
    ...(end.outcome?.tests ? { tests: end.outcome.tests } : {}),
    ...(end.outcome?.costUsd !== undefined ? { costUsd: end.outcome.costUsd } : {}),
    ...(error && state !== 'completed' ? { error: stripAnsi(error).slice(0, 20_000) } : {}),
    logFile: end.logFile,
    ...(end.outcome?.instead ? { instead: end.outcome.instead } : {}),
    ...(ship ? { ship } : {}),
    ...(shipped ? { shipped } : {}),
  };
  if (end.outcome?.conversationId) record.conversationId = end.outcome.conversationId;
  // A denied follow-up ends its turn and says so; the earlier turn's verdict (tests passed) stands.
  const earlier = record.verdict;
  if (!stop && end.outcome?.denied && earlier) {
    state = earlier.state;
    const headline = earlier.result.summary.split('\n')[0] ?? '';
    result.summary = `This follow-up did not run: ${result.summary}\nThe earlier result stands (${earlier.state}): ${headline}`.slice(0, 20_000);
    if (earlier.result.tests) result.tests = earlier.result.tests;
    else delete result.tests;
    if (state === 'completed') delete result.error;
  } else if (!stop) {
    record.verdict = { state, result };
  }
  ctx.logger.info('session turn ended', { state, durationMs: result.durationMs, files: diff.files.length });
  ctx.store.emit(record, { kind: 'result', result });
  ctx.store.transition(record, state, state === 'completed' ? undefined : (error ?? summary).slice(0, 4_000));
}

/**
 * Removes the session's worktree and branch when the branch has no commit of its own and
 * the tree is clean (ignored files such as node_modules do not count): there is nothing
 * to look at or continue, and each one left behind costs disk. A follow-up makes a new one.
 */
async function removeIfUnchanged(ctx: TurnContext, record: JournalRecord): Promise<boolean> {
  const { worktree, branch, baseCommit } = record.snapshot;
  if (!worktree || !branch || !baseCommit || !existsSync(worktree)) return false;
  try {
    const head = (await ctx.worktrees.read(worktree, ['rev-parse', 'HEAD'])).trim();
    const changed = await ctx.worktrees.changedFiles(worktree);
    if (head !== baseCommit || changed.tracked.length > 0 || changed.untracked.length > 0) return false;
    await ctx.deps?.holdUntilKept(worktree);
    await ctx.worktrees.remove(record.repoPath, worktree);
    await ctx.worktrees.deleteBranch(record.repoPath, branch);
  } catch (error) {
    ctx.logger.warn('could not remove an unchanged worktree', { worktree, error: asDispatchError(error).message });
    return false;
  }
  delete record.snapshot.worktree;
  delete record.snapshot.branch;
  delete record.snapshot.baseCommit;
  ctx.store.save(record);
  return true;
}
