import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Worktrees } from '../worktrees.js';
import type { AgentContext, AgentEvent, AgentOutcome } from './agent.js';
import { runCheck, type CheckReport } from './builtinChecks.js';
import { failedOutcome } from './builtinSteps.js';

const git = new Worktrees();
const DEFAULT_BRANCHES = ['main', 'master', 'trunk', 'develop'];
const LOCKFILES = /(?:^|\/)(?:package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|poetry\.lock|uv\.lock|Pipfile\.lock|Cargo\.lock|go\.sum|Gemfile\.lock|composer\.lock)$/;
const TEST_FILE = /(?:^|\/)(?:tests?|__tests__|spec)\/|[._-](?:test|spec)\.[a-z]+$|(?:^|\/)test_[^/]+\.py$/;
const MAX_COMMITS = 15;

async function quiet(worktree: string, args: string[]): Promise<string> {
  return git.read(worktree, args).catch(() => '');
}

/** The branch the reviewed one forked from: the first default-looking branch that is not it. */
async function mergeBase(worktree: string, branch: string | undefined): Promise<{ base: string; commit: string } | undefined> {
  for (const name of DEFAULT_BRANCHES) {
    if (name === branch) continue;
    const commit = (await quiet(worktree, ['merge-base', 'HEAD', `refs/heads/${name}`])).trim();
    if (commit) return { base: name, commit };
  }
  return undefined;
}

function dependencyNames(json: string): Set<string> {
  try {
    const pkg = JSON.parse(json) as Record<string, Record<string, unknown> | undefined>;
    return new Set(['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'].flatMap((field) => Object.keys(pkg[field] ?? {})));
  } catch {
    return new Set();
  }
}

/** Deleted tests, lockfile changes and new dependencies between the merge base and HEAD. */
async function risks(worktree: string, base: string): Promise<string[]> {
  const status = await quiet(worktree, ['diff', '--name-status', '--no-renames', `${base}..HEAD`]);
  const entries = status.split('\n').map((line) => line.split('\t')).filter((parts) => parts.length >= 2);
  const found: string[] = [];
  const deletedTests = entries.filter(([code, file]) => code === 'D' && TEST_FILE.test(file ?? '')).map(([, file]) => file);
  if (deletedTests.length) found.push(`deletes tests: ${deletedTests.slice(0, 10).join(', ')}`);
  const lockfiles = entries.filter(([, file]) => LOCKFILES.test(file ?? '')).map(([, file]) => file);
  if (lockfiles.length) found.push(`changes lockfiles: ${lockfiles.join(', ')}`);
  if (entries.some(([, file]) => file === 'package.json')) {
    const before = dependencyNames(await quiet(worktree, ['show', `${base}:package.json`]));
    let after = new Set<string>();
    try {
      after = dependencyNames(readFileSync(path.join(worktree, 'package.json'), 'utf8'));
    } catch {
      // package.json deleted on the branch
    }
    const added = [...after].filter((name) => !before.has(name));
    if (added.length) found.push(`adds dependencies: ${added.join(', ')}`);
  }
  return found;
}

/** What a failing check means for the branch, as a risk. */
const FAILS: Record<string, string> = { Tests: 'tests fail', Lint: 'lint fails', Dependencies: 'dependencies do not install' };

/**
 * "Review my changes on branch X": the worktree starts at X. Reports the diffstat against
 * the merge base, the commits, the tests and the linter on that branch, and a short list of
 * what changes the risk (deleted tests, lockfile changes, new dependencies).
 */
export async function* runReview(context: AgentContext, branch: string | undefined, intervalMs: number): AsyncGenerator<AgentEvent, AgentOutcome> {
  const fork = await mergeBase(context.worktree, branch);
  if (!fork) return failedOutcome(`Found no ${DEFAULT_BRANCHES.join('/')} branch to compare ${branch ?? 'this branch'} with.`);
  const name = branch ?? 'this branch';
  const log = (await quiet(context.worktree, ['log', '--no-merges', '--format=%h %s', `-${MAX_COMMITS + 1}`, `${fork.commit}..HEAD`])).trim().split('\n').filter(Boolean);
  const diffstat = (await quiet(context.worktree, ['diff', '--stat', `${fork.commit}..HEAD`])).trimEnd();
  const risky = await risks(context.worktree, fork.commit);
  const checks: { label: string; report: CheckReport }[] = [];
  let installFailed: string | undefined;
  for (const action of ['test', 'lint'] as const) {
    const report = yield* runCheck(context, action, intervalMs);
    if (/^Did not |was cancelled/.test(report.outcome.summary)) return report.outcome;
    // A branch whose dependencies do not install is a finding of its own; the checks cannot run.
    if (/^Installing dependencies failed/.test(report.outcome.summary)) {
      // The first line, and the package manager's own first error line: why it did not install.
      const [first = '', ...rest] = report.outcome.summary.split('\n');
      const reason = rest.find((line) => /\berr(or|!)/i.test(line));
      installFailed = reason ? `${first}\n${reason.trim()}` : first;
      break;
    }
    checks.push({ label: action === 'test' ? 'Tests' : 'Lint', report });
  }
  const failing = checks.filter(({ report }) => !report.ok && report.text);
  if (installFailed) failing.push({ label: 'Dependencies', report: { outcome: failedOutcome(installFailed), ok: false, text: installFailed } });
  const lines = [
    `Review of ${name} against ${fork.base} (${log.length > MAX_COMMITS ? `more than ${MAX_COMMITS}` : log.length} commit${log.length === 1 ? '' : 's'}):`,
    ...log.slice(0, MAX_COMMITS).map((line) => `  ${line}`),
    diffstat ? `Changes:\n${diffstat}` : 'No changes against the merge base.',
    ...(installFailed ? [installFailed] : []),
    ...checks.map(({ label, report }) => `${label}: ${report.text ? (report.outcome.summary.split('\n').slice(0, report.ok ? 1 : 8).join('\n')) : 'none found'}`),
    risky.length || failing.length
      ? `Risks:\n${[...failing.map(({ label }) => FAILS[label]), ...risky].map((risk) => `• ${risk}`).join('\n')}`
      : 'Risks: none found (no deleted tests, lockfile changes or new dependencies).',
  ];
  const summary = lines.join('\n');
  const tests = checks.find(({ label }) => label === 'Tests')?.report.tests;
  const base = { summary, commitChanges: false, ...(tests ? { tests } : {}) };
  // The error starts as the summary does, so the chat's result does not add it again as a last line.
  return failing.length ? { status: 'failed', ...base, error: `Review of ${name}: ${failing.map(({ label }) => FAILS[label]).join(' and ')}` } : { status: 'completed', ...base };
}
