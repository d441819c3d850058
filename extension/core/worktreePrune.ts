import type { Clock } from '../../shared/clock.js';
import { asDispatchError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import { isFinal } from '../../shared/sessions.js';
import { roughly } from './duration.js';
import type { SessionStore } from './sessionStore.js';
import type { Worktrees } from './worktrees.js';

/** What a prune did: the worktrees removed, those kept and why, and the branches left in place. */
export interface PruneReport {
  removed: string[];
  kept: { worktree: string; why: string }[];
  branchesKept: string[];
}

export interface WorktreePruneContext {
  store: SessionStore;
  worktrees: Worktrees;
  clock: Clock;
  logger: Logger;
}

/**
 * Removes the worktrees of sessions finished more than `olderThanMs` ago and says what it
 * kept and why (still running, too recent). Branches stay unless `branches` is asked for:
 * a session branch left after its turn has commits of its own.
 */
export async function pruneFinishedWorktrees(context: WorktreePruneContext, options: { olderThanMs: number; branches?: boolean }): Promise<PruneReport> {
  const { store, worktrees, clock, logger } = context;
  const now = clock.now();
  const cutoff = now - options.olderThanMs;
  const report: PruneReport = { removed: [], kept: [], branchesKept: [] };
  for (const record of store.all()) {
    const { sessionId, state, worktree, branch, updatedAt } = record.snapshot;
    if (record.pruned || !worktree) continue;
    // The final state is the last thing a turn writes, so a final session no longer uses its worktree.
    if (!isFinal(state)) {
      report.kept.push({ worktree, why: `session ${state}` });
      continue;
    }
    if (updatedAt > cutoff) {
      report.kept.push({ worktree, why: `finished ${roughly(now - updatedAt)} ago` });
      continue;
    }
    try {
      await worktrees.remove(record.repoPath, worktree);
      if (options.branches && branch) await worktrees.deleteBranch(record.repoPath, branch).catch(() => undefined);
      else if (branch) report.branchesKept.push(branch);
      record.pruned = true;
      store.save(record);
      report.removed.push(worktree);
    } catch (error) {
      logger.warn('could not prune a worktree', { sessionId, worktree, error: asDispatchError(error).message });
      report.kept.push({ worktree, why: `could not remove it: ${asDispatchError(error).message}` });
    }
  }
  return report;
}
