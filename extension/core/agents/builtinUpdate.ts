import { Worktrees } from '../worktrees.js';
import type { AgentContext, AgentEvent, AgentOutcome } from './agent.js';
import { runCheck } from './builtinChecks.js';
import { failedOutcome, runStep, shown } from './builtinSteps.js';
import { declaredNodeRanges, declaredNodeVersion, planBulkUpdate, planDependencyUpdate, type DependencyPlan } from './dependencyPlan.js';
import { tailExcerpt } from './excerpt.js';
import type { PackageUpdate } from './updateRequest.js';

const git = new Worktrees();

/**
 * "Bump axios to 1.7": change the manifest and the lockfile with the project's own
 * package manager (peers that must move together move too), commit exactly those files
 * on the session branch, run the tests, and report the version change and the result.
 */
export async function* runUpdate(context: AgentContext, asked: PackageUpdate[], intervalMs: number): AsyncGenerator<AgentEvent, AgentOutcome> {
  const plan = planDependencyUpdate(context.worktree, asked, context.env);
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
  return yield* commitAndTest(context, plan, changes.join(', '), `Update ${plan.moves.map((move) => `${move.name} to ${move.to}`).join(', ')}`, intervalMs);
}

/**
 * "Update the dev dependencies": every one (or every dev one) to the newest version its
 * range allows, with the project's own tool; then the same commit and test run as above.
 */
export async function* runBulkUpdate(context: AgentContext, which: 'dev' | 'all', intervalMs: number): AsyncGenerator<AgentEvent, AgentOutcome> {
  const what = which === 'dev' ? 'the dev dependencies' : 'the dependencies';
  const plan = planBulkUpdate(context.worktree, which, context.env);
  if (typeof plan === 'string') return failedOutcome(`Did not update ${what}: ${plan}`);
  yield { kind: 'progress', text: `Updating ${what} within their declared ranges with ${plan.ecosystem}.` };
  const before = declaredNodeRanges(context.worktree);
  for (const command of plan.commands) {
    const end = yield* runStep(context, command, { purpose: 'to update dependencies', intervalMs });
    if (!end.ran) return end.outcome;
    if (!end.ok) return failedOutcome(`\`${shown(command)}\` failed (${end.exit}); nothing was committed.\n\n${tailExcerpt(end.text)}`, `Dependency update failed (${end.exit})`);
  }
  const after = declaredNodeRanges(context.worktree);
  const moved = [...after].filter(([name, spec]) => before.has(name) && before.get(name) !== spec).map(([name, spec]) => `${name} ${before.get(name)} → ${spec}`);
  const shownMoves = moved.length > 8 ? [...moved.slice(0, 8), `and ${moved.length - 8} more`] : moved;
  const changes = moved.length ? `${what} (${shownMoves.join(', ')})` : `${what} within their ranges (the lockfile only)`;
  return yield* commitAndTest(context, plan, changes, `Update ${what}`, intervalMs);
}

/** Commits exactly the plan's files, runs the tests and reports; "already up to date" when nothing moved. */
async function* commitAndTest(context: AgentContext, plan: DependencyPlan, changes: string, message: string, intervalMs: number): AsyncGenerator<AgentEvent, AgentOutcome> {
  const { tracked, untracked } = await git.changedFiles(context.worktree);
  const inPlan = [...tracked, ...untracked].filter((file) => plan.files.includes(file));
  const committed = await git.commitPaths(context.worktree, inPlan, message);
  if (!committed) return { status: 'completed', summary: `Already up to date: ${changes.replace(/ within their ranges \(the lockfile only\)$/, '')}. Nothing to commit.`, commitChanges: false };
  const head = `Updated ${changes} (committed ${inPlan.join(' and ')} on the session branch).`;
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
