import { Worktrees } from '../worktrees.js';
import type { AgentContext, AgentEvent, AgentOutcome } from './agent.js';
import { runCheck } from './builtinChecks.js';

const git = new Worktrees();

/**
 * Runs the project's formatter, then commits what it changed in tracked files on the
 * session branch. Files the formatter did not touch, and untracked output, stay out.
 */
export async function* runFormat(context: AgentContext, intervalMs: number): AsyncGenerator<AgentEvent, AgentOutcome> {
  const report = yield* runCheck(context, 'format', intervalMs);
  if (report.outcome.status !== 'completed') return report.outcome;
  const { tracked } = await git.changedFiles(context.worktree);
  if (tracked.length === 0) return { status: 'completed', summary: 'The code was already formatted: nothing to commit.', commitChanges: false };
  await git.commitPaths(context.worktree, tracked, 'Format the code');
  const files = `${tracked.length} file${tracked.length === 1 ? '' : 's'}`;
  return { status: 'completed', summary: `Formatted ${files} and committed the result on the session branch.`, commitChanges: false };
}
