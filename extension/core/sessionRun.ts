import { existsSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { asDispatchError, DispatchError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { FileChange, SessionResult, SessionState } from '../../shared/sessions.js';
import type { Agent, AgentEvent, AgentOutcome, ApprovalGate } from './agents/agent.js';
import type { JournalRecord } from './journal.js';
import type { SessionStore } from './sessionStore.js';
import type { SecretMask } from './secretMask.js';
import { SessionLog } from './sessionLog.js';
import { safeShortId, sessionBranchName, slugify } from './slug.js';
import type { Worktrees } from './worktrees.js';

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
}

interface TurnEnd {
  outcome?: AgentOutcome;
  failure?: string;
  startedAt: number;
  logFile: string;
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
  try {
    ctx.store.transition(record, 'preparing');
    await ensureWorktree(ctx, record);
    if (!ctx.signal.aborted) {
      ctx.store.transition(record, 'running');
      outcome = await driveAgent(ctx, record, log);
    }
  } catch (error) {
    if (!ctx.signal.aborted) failure = asDispatchError(error).message;
    ctx.logger.debug('turn ended with an error', { sessionId: record.snapshot.sessionId, error: String(error) });
  }
  await log.close();
  await finish(ctx, record, { outcome, failure, startedAt, logFile: log.file });
}

async function ensureWorktree(ctx: TurnContext, record: JournalRecord): Promise<void> {
  const snapshot = record.snapshot;
  if (snapshot.worktree) {
    if (!existsSync(snapshot.worktree)) {
      throw new DispatchError('conflict', `The session's worktree ${snapshot.worktree} no longer exists (pruned?).`);
    }
    return;
  }
  const baseCommit = await ctx.worktrees.resolveBase(record.repoPath, ctx.repo.base);
  const shortId = safeShortId(snapshot.sessionId);
  const folder = path.join(ctx.home, 'worktrees', slugify(ctx.repo.name) || 'repo', shortId);
  const made = await ctx.worktrees.add(record.repoPath, folder, sessionBranchName(shortId, record.task), baseCommit);
  ctx.store.emit(record, {
    kind: 'workspace',
    repo: ctx.repo.name,
    branch: made.branch,
    worktree: made.worktree,
    baseCommit: made.baseCommit,
    agent: ctx.agent.name,
  });
}

async function driveAgent(ctx: TurnContext, record: JournalRecord, log: SessionLog): Promise<AgentOutcome | undefined> {
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
    if (event.kind === 'progress') ctx.store.emit(record, { kind: 'progress', text: event.text.slice(0, 4_000) });
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
  const summary =
    stop === 'cancel'
      ? 'Cancelled. The worktree and branch are kept.'
      : stop === 'stop'
        ? 'Interrupted: the runner stopped during this session. The worktree and branch are kept; send a follow-up to continue.'
        : end.failure
          ? `Failed: ${end.failure}`
          : (end.outcome?.summary ?? error ?? 'No outcome.');
  const result: SessionResult = {
    summary: summary.slice(0, 20_000),
    filesChanged: diff.files,
    diffstat: diff.diffstat,
    branch: snapshot.branch ?? '',
    baseCommit: baseCommit ?? '',
    worktree: worktree ?? '',
    durationMs: Math.max(0, Math.round(performance.now() - end.startedAt)),
    ...(end.outcome?.tests ? { tests: end.outcome.tests } : {}),
    ...(end.outcome?.costUsd !== undefined ? { costUsd: end.outcome.costUsd } : {}),
    ...(error && state !== 'completed' ? { error: error.slice(0, 20_000) } : {}),
    logFile: end.logFile,
  };
  if (end.outcome?.conversationId) record.conversationId = end.outcome.conversationId;
  ctx.logger.info('session turn ended', { state, durationMs: result.durationMs, files: diff.files.length });
  ctx.store.emit(record, { kind: 'result', result });
  ctx.store.transition(record, state, state === 'completed' ? undefined : (error ?? summary).slice(0, 4_000));
}
