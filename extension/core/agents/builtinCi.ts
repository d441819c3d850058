import { Worktrees } from '../worktrees.js';
import type { AgentContext, AgentEvent, AgentOutcome } from './agent.js';
import { runCheck, type CheckReport } from './builtinChecks.js';

const git = new Worktrees();

/** "src/app.ts(12,5): error TS2322", "src/app.ts:12:5 - error", "main.go:7:2: undefined: x", "at file.js:3:9". */
const LOCATED = /((?:[\w.@-]+[\\/])*[\w.@-]+\.[A-Za-z]{1,6})(?:\((\d+),(\d+)\)|:(\d+)(?::(\d+))?)/;
const ERRORISH = /error|Error|FAIL|panic|undefined|cannot|expected|Assertion/;

/** The first lines of output that name a file and line and look like an error (at most `max`). */
export function firstErrors(text: string, max = 5): string[] {
  const found: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (!LOCATED.test(trimmed) || !ERRORISH.test(trimmed) || /node_modules|node:internal/.test(trimmed)) continue;
    if (!found.includes(trimmed)) found.push(trimmed.length > 240 ? `${trimmed.slice(0, 239)}…` : trimmed);
    if (found.length >= max) break;
  }
  return found;
}

/**
 * "Look at the failing build / CI on main": the worktree starts at that branch; run the
 * build (when the project has one) and the tests, and report the first errors with file
 * and line, so the chat shows where to look rather than a wall of output.
 */
export async function* runCi(context: AgentContext, branch: string | undefined, intervalMs: number): AsyncGenerator<AgentEvent, AgentOutcome> {
  const where = branch ? ` on ${await branchRunOn(context.worktree, branch)}` : '';
  const reports: { label: string; report: CheckReport }[] = [];
  const build = yield* runCheck(context, 'build', intervalMs);
  if (build.text || build.outcome.status === 'completed') reports.push({ label: 'Build', report: build });
  else if (/^Did not |was cancelled/.test(build.outcome.summary)) return build.outcome;
  const tests = yield* runCheck(context, 'test', intervalMs);
  if (!tests.text && tests.outcome.status !== 'completed' && /^Did not |was cancelled/.test(tests.outcome.summary)) return tests.outcome;
  reports.push({ label: 'Tests', report: tests });
  const lines: string[] = [];
  let ok = true;
  for (const { label, report } of reports) {
    ok &&= report.ok;
    const errors = report.ok ? [] : firstErrors(report.text);
    const head = report.outcome.summary.split('\n')[0] ?? '';
    lines.push(`${label}: ${head}`);
    if (errors.length) lines.push(...errors.map((error) => `  ${error}`));
    else if (!report.ok && label === 'Tests') lines.push(...report.outcome.summary.split('\n').slice(1, 22));
  }
  const title = ok ? `The build and the tests pass${where}.` : `The build or the tests fail${where}:`;
  const summary = [title, ...lines].join('\n');
  const tested = tests.tests ? { tests: tests.tests } : {};
  return ok
    ? { status: 'completed', summary, commitChanges: false, ...tested }
    : { status: 'failed', summary, error: `Failing${where}`, commitChanges: false, ...tested };
}

/**
 * The branch the worktree really started from: "main" in a repository that has only master
 * ran at master (the session says "Ran on master (the default branch …)"), so the summary
 * names master too, the same way the worktree's base was chosen.
 */
async function branchRunOn(worktree: string, branch: string): Promise<string> {
  try {
    return (await git.resolveBaseNamed(worktree, branch)).name ?? branch;
  } catch {
    return branch; // not a plain name, or no commit: keep what the person said
  }
}
