import { Worktrees } from '../worktrees.js';
import type { AgentContext, AgentEvent, AgentOutcome } from './agent.js';
import { runCheck } from './builtinChecks.js';
import { failedOutcome, runStep, shown } from './builtinSteps.js';
import { declaredNodeVersion, planDependencyUpdate } from './dependencyPlan.js';
import { tailExcerpt } from './excerpt.js';
import type { PackageUpdate } from './updateRequest.js';

const git = new Worktrees();

/**
 * "Bump axios to 1.7": change the manifest and the lockfile with the project's own
 * package manager (peers that must move together move too), commit exactly those files
 * on the session branch, run the tests, and report the version change and the result.
 */
export async function* runUpdate(context: AgentContext, asked: PackageUpdate[], intervalMs: number): AsyncGenerator<AgentEvent, AgentOutcome> {
  const plan = planDependencyUpdate(context.worktree, asked);
  if (typeof plan === 'string') return failedOutcome(`Did not update ${asked.map((u) => u.name).join(', ')}: ${plan}`);
  yield { kind: 'progress', text: `Updating ${plan.moves.map((move) => `${move.name} to ${move.to}`).join(', ')} with ${plan.ecosystem}.` };
  for (const command of plan.commands) {
    const end = yield* runStep(context, command, { purpose: 'to update dependencies', intervalMs });
    if (!end.ran) return end.outcome;
    if (!end.ok) return failedOutcome(`\`${shown(command)}\` failed (${end.exit}); nothing was committed.\n\n${tailExcerpt(end.text)}`, `Dependency update failed (${end.exit})`);
  }
  const changes = plan.moves.map((move) => {
    const now = plan.ecosystem === 'npm' || plan.ecosystem === 'pnpm' || plan.ecosystem === 'yarn' ? declaredNodeVersion(context.worktree, move.name)?.spec : undefined;
    return `${move.name} ${move.from} → ${now ?? move.to}`;
  });
  const { tracked, untracked } = await git.changedFiles(context.worktree);
  const inPlan = [...tracked, ...untracked].filter((file) => plan.files.includes(file));
  const committed = await git.commitPaths(context.worktree, inPlan, `Update ${plan.moves.map((move) => `${move.name} to ${move.to}`).join(', ')}`);
  if (!committed) return { status: 'completed', summary: `Already up to date: ${changes.join(', ')}. Nothing to commit.`, commitChanges: false };
  const head = `Updated ${changes.join(', ')} (committed ${inPlan.join(' and ')} on the session branch).`;
  const tests = yield* runCheck(context, 'test', intervalMs);
  if (!tests.ok && !tests.text && /^Found no/.test(tests.outcome.summary)) {
    return { status: 'completed', summary: `${head}\nThe project has no test command, so no tests ran.`, commitChanges: false };
  }
  const testLine = tests.outcome.summary;
  const summary = `${head}\n${testLine}`;
  const tested = tests.tests ? { tests: tests.tests } : {};
  if (tests.ok) return { status: 'completed', summary, commitChanges: false, ...tested };
  return { status: 'failed', summary, error: tests.outcome.error ?? 'The tests fail after the update', commitChanges: false, ...tested };
}
