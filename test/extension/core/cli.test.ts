import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { parseDuration, runRunnerCommand } from '../../../extension/core/cli/runnerCommand.js';
import { git, hashCheckout, makeRepo, nodeTestProject, TempDirs } from '../../helpers/gitRepos.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function dispatchRunner(argv: string[], options: { home: string; cwd: string; input?: string; env?: NodeJS.ProcessEnv }): Promise<Run> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  stdin.end(options.input ?? '');
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, DISPATCH_HOME: options.home, ...options.env };
  const code = await runRunnerCommand(argv, { stdout, stderr, stdin, env, cwd: options.cwd });
  return { code, stdout: out, stderr: err };
}

function lastLineJson(text: string): Record<string, unknown> {
  const lines = text.trimEnd().split('\n');
  return JSON.parse(lines[lines.length - 1] ?? '') as Record<string, unknown>;
}

describe('dispatch runner (CLI)', function () {
  this.timeout(30_000);
  const temp = new TempDirs();
  after(() => temp.cleanup());

  it('--yes --json: runs the tests, progress on stderr, only the result JSON on stdout, exit 0', async () => {
    const repo = makeRepo(path.join(temp.make(), 'app'), nodeTestProject('passing'));
    const before = hashCheckout(repo);
    const run = await dispatchRunner(['--repo', repo, '--task', 'run the tests', '--yes', '--json'], { home: temp.make(), cwd: temp.make() });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /\] running\n/);
    assert.match(run.stderr, /approval needed: Run `npm test`/);
    assert.equal(run.stdout.trim().split('\n').length, 1, 'stdout is one JSON line, ready for jq');
    const result = lastLineJson(run.stdout);
    assert.equal(result.state, 'completed');
    assert.match(String(result.summary), /Tests passed: 4 passed, 0 failed/);
    // A run that changed nothing leaves no branch and no worktree behind.
    assert.equal(result.branch, '');
    assert.equal(result.worktree, '');
    assert.equal(git(repo, ['branch', '--list', 'dispatch/*']).trim(), '');
    assert.deepEqual(result.filesChanged, []);
    assert.equal(typeof result.durationMs, 'number');
    assert.equal(hashCheckout(repo), before);
  });

  it('asks on the terminal: an answer of "n" denies, the session fails, exit 1', async () => {
    const repo = makeRepo(path.join(temp.make(), 'app'), nodeTestProject('passing'));
    const run = await dispatchRunner(['--task', 'run the tests', '--json'], { home: temp.make(), cwd: repo, input: 'n\n' });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /Approve\? Run `npm test`/);
    assert.equal(lastLineJson(run.stdout).state, 'failed');
    assert.match(String(lastLineJson(run.stdout).summary), /denied — denied on the terminal/);
  });

  it('asks on the terminal: "y" approves once and a failing suite exits 1 with the failing names', async () => {
    const repo = makeRepo(path.join(temp.make(), 'app'), nodeTestProject('failing'));
    const run = await dispatchRunner(['--repo', repo, '--task', 'ejecuta las pruebas'], { home: temp.make(), cwd: temp.make(), input: 'y\n' });
    assert.equal(run.code, 1);
    assert.match(run.stdout, /FAILED: Tests failed: 2 passed, 2 failed/);
    assert.match(run.stdout, /• strings > upper-cases — 'A' == 'a'\n• multiplies — 6 == 7/);
  });

  it('rejects unknown flags, a missing task, and --bridge with --task, with exit 2', async () => {
    const cwd = temp.make();
    const unknown = await dispatchRunner(['--task', 'x', '--frobnicate'], { home: temp.make(), cwd });
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /Unknown option '--frobnicate'/);
    assert.match(unknown.stderr, /Usage:/);
    const missing = await dispatchRunner(['--repo', cwd], { home: temp.make(), cwd });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--task is required/);
    const bridge = await dispatchRunner(['--bridge', 'wss://x', '--task', 'x'], { home: temp.make(), cwd });
    assert.equal(bridge.code, 2);
    assert.match(bridge.stderr, /leave out --task/);
  });

  it('a path that is not a repository is a clear error, exit 2', async () => {
    const plain = temp.make();
    const run = await dispatchRunner(['--repo', plain, '--task', 'run the tests'], { home: temp.make(), cwd: plain });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /is not a git repository/);
  });

  it('a bad environment variable is named', async () => {
    const run = await dispatchRunner(['--task', 'x'], { home: temp.make(), cwd: temp.make(), env: { DISPATCH_MAX_SESSIONS: 'lots' } });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /DISPATCH_MAX_SESSIONS/);
  });

  it('prune removes finished worktrees older than --older-than', async () => {
    const home = temp.make();
    // The build leaves an untracked file: a worktree with something in it is kept until pruned.
    const repo = makeRepo(path.join(temp.make(), 'app'), {
      'package.json': JSON.stringify({ scripts: { build: 'node -e "require(\'fs\').writeFileSync(\'out.txt\', \'x\')"' } }),
    });
    const run = await dispatchRunner(['--task', 'build', '--yes', '--json'], { home, cwd: repo });
    const worktree = String(lastLineJson(run.stdout).worktree);
    assert.ok(existsSync(worktree), run.stderr);
    const young = await dispatchRunner(['prune'], { home, cwd: repo });
    assert.equal(young.code, 0);
    assert.equal(young.stdout, `kept    ${worktree} (finished 0 min ago)\n0 worktrees removed, 1 kept.\n0 dependency cache items and 0 warm worktrees removed.\n`);
    const pruned = await dispatchRunner(['prune', '--older-than', '0', '--branches'], { home, cwd: repo });
    assert.equal(pruned.code, 0, pruned.stderr);
    assert.equal(pruned.stdout, `removed ${worktree}\n1 worktree removed (with branches), 0 kept.\n0 dependency cache items and 0 warm worktrees removed.\n`);
    assert.ok(!existsSync(worktree));
    const bad = await dispatchRunner(['prune', '--older-than', 'soon'], { home, cwd: repo });
    assert.equal(bad.code, 2);
  });

  it('finished worktrees are pruned after DISPATCH_WORKTREE_RETENTION; the branch with commits stays', async () => {
    const home = temp.make();
    const repo = makeRepo(path.join(temp.make(), 'app'), {
      'package.json': JSON.stringify({ scripts: { format: 'node -e "require(\'fs\').writeFileSync(\'a.js\', \'x;\\n\')"', build: 'node -e "0"' } }),
      'a.js': 'x ;\n',
    });
    const formatted = await dispatchRunner(['--task', 'format the code', '--yes', '--json'], { home, cwd: repo });
    const first = lastLineJson(formatted.stdout);
    assert.equal(first.state, 'completed', formatted.stderr);
    assert.ok(existsSync(String(first.worktree)));
    const later = await dispatchRunner(['--task', 'build', '--yes', '--json'], { home, cwd: repo, env: { DISPATCH_WORKTREE_RETENTION: '0' } });
    assert.match(later.stderr, /Pruned 1 worktree of sessions finished more than 0 min ago/);
    assert.ok(!existsSync(String(first.worktree)), 'the old worktree is gone');
    assert.equal(git(repo, ['log', '-1', '--format=%s', String(first.branch)]).trim(), 'Format the code', 'its branch and commit stay');
    const bad = await dispatchRunner(['prune'], { home, cwd: repo, env: { DISPATCH_WORKTREE_RETENTION: 'a while' } });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /DISPATCH_WORKTREE_RETENTION/);
  });

  it('"in the X repo" picks that configured repository when --repo is not given', async () => {
    const base = temp.make();
    const api = makeRepo(path.join(base, 'api'), nodeTestProject('passing'));
    const frontend = makeRepo(path.join(base, 'frontend'), nodeTestProject('failing'));
    const env = { DISPATCH_REPOS: `api=${api},frontend=${frontend}` };
    const there = await dispatchRunner(['--task', 'check if the tests pass in the frontend repo', '--yes', '--json'], { home: temp.make(), cwd: base, env });
    assert.equal(lastLineJson(there.stdout).state, 'failed', there.stderr);
    assert.match(String(lastLineJson(there.stdout).summary), /2 passed, 2 failed/);
    const byDefault = await dispatchRunner(['--task', 'check if the tests pass', '--yes', '--json'], { home: temp.make(), cwd: base, env });
    assert.match(String(lastLineJson(byDefault.stdout).summary), /4 passed, 0 failed/, 'the first configured repository is the default');
  });

  it('parses durations', () => {
    assert.equal(parseDuration('7d'), 7 * 86_400_000);
    assert.equal(parseDuration('12h'), 12 * 3_600_000);
    assert.equal(parseDuration('30m'), 30 * 60_000);
    assert.equal(parseDuration('3'), 3 * 86_400_000);
    assert.equal(parseDuration('soon'), undefined);
  });
});
