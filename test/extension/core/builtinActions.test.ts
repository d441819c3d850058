import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { git, hashCheckout, makeRepo, nodeTestProject, writeFiles } from '../../helpers/gitRepos.js';
import { Harness, job, waitForEnd, waitForEvent } from './harness.js';
import { finalMessage } from '../../../bridge/messages.js';
import type { JobRecord } from '../../../bridge/store/store.js';
import type { Runner } from '../../../extension/core/runner.js';
import type { SessionSnapshot } from '../../../shared/sessions.js';

/** Approves every request of the session as it comes, and records the commands asked for. */
function approveAll(runner: Runner, sessionId: string): string[][] {
  const asked: string[][] = [];
  runner.onEvent((event) => {
    if (event.sessionId !== sessionId || event.kind !== 'approval_requested') return;
    asked.push([...(event.request.command ?? [])]);
    runner.decide(sessionId, { requestId: event.request.requestId, decision: 'approve_once' });
  });
  return asked;
}

function commit(repo: string, message: string): void {
  git(repo, ['add', '--all']);
  git(repo, ['commit', '--quiet', '-m', message]);
}

function branches(repo: string): string[] {
  return git(repo, ['branch', '--list', '--format=%(refname:short)', 'dispatch/*']).trim().split('\n').filter(Boolean);
}

describe('builtin agent: the guide\'s tasks as people phrase them', function () {
  this.timeout(60_000);
  const h = new Harness();
  afterEach(() => h.cleanup());

  async function run(repo: string, task: string): Promise<{ end: SessionSnapshot; asked: string[][] }> {
    const runner = h.runner({ repos: [{ name: 'app', path: repo }] });
    await runner.start();
    const { sessionId } = await runner.submit(job(task));
    const asked = approveAll(runner, sessionId);
    // A request made before the listener was attached is answered here.
    const early = runner.unacknowledged().find((e) => e.sessionId === sessionId && e.kind === 'approval_requested');
    if (early?.kind === 'approval_requested') {
      asked.push([...(early.request.command ?? [])]);
      runner.decide(sessionId, { requestId: early.request.requestId, decision: 'approve_once' });
    }
    return { end: await waitForEnd(runner, sessionId, 50_000), asked };
  }

  it('a refused task fails fast, before any worktree: no branch, no folder, and says what it can do', async () => {
    const repo = makeRepo(path.join(h.temp.make(), 'app'), nodeTestProject('passing'));
    const home = h.temp.make();
    const runner = h.runner({ home, repos: [{ name: 'app', path: repo }] });
    const started = Date.now();
    const { sessionId } = await runner.submit(job('run the tests and then fix whatever fails'));
    const end = await waitForEnd(runner, sessionId);
    assert.ok(Date.now() - started < 2_000, 'refused in well under two seconds');
    assert.equal(end.state, 'failed');
    assert.deepEqual(branches(repo), []);
    assert.ok(!existsSync(path.join(home, 'worktrees')) || readdirSync(path.join(home, 'worktrees')).length === 0);
    assert.ok(!h.eventsOf(sessionId).some((e) => e.kind === 'workspace' || (e.kind === 'state' && e.state === 'preparing')));
    assert.match(end.result?.summary ?? '', /update a dependency/);
    assert.match(end.result?.summary ?? '', /Reply "run the tests" to run the tests instead/);
  });

  it('a refused question about the suite by its runner\'s name offers the tests instead', async () => {
    const repo = makeRepo(path.join(h.temp.make(), 'app'), nodeTestProject('passing'));
    const runner = h.runner({ repos: [{ name: 'app', path: repo }] });
    // Typed in a trial of the web chat; it was refused with no way on.
    const { sessionId } = await runner.submit(job('what does the mocha suite say right now'));
    const end = await waitForEnd(runner, sessionId);
    assert.equal(end.state, 'failed');
    assert.equal(end.result?.instead, 'test');
    const other = await runner.submit(job('what does the roadmap say right now'));
    assert.equal((await waitForEnd(runner, other.sessionId)).result?.instead, undefined, 'nothing about tests: nothing offered');
  });

  it('"run the full test suite and tell me what fails" names the failing tests with counts, leaves the checkout as it was', async () => {
    const repo = makeRepo(path.join(h.temp.make(), 'app'), nodeTestProject('failing'));
    const before = hashCheckout(repo);
    const { end, asked } = await run(repo, 'Could you run the full test suite and tell me what fails?');
    assert.deepEqual(asked, [['npm', 'test']]);
    assert.equal(end.result?.tests?.failed, 2);
    assert.equal(end.result?.tests?.passed, 2);
    assert.match(end.result?.summary ?? '', /• multiplies — 6 == 7/);
    assert.equal(hashCheckout(repo), before);
    assert.deepEqual(branches(repo), [], 'nothing changed: no branch left behind');
  });

  it('"on the X branch" starts the worktree from that branch', async () => {
    const repo = makeRepo(path.join(h.temp.make(), 'app'), nodeTestProject('passing'));
    git(repo, ['checkout', '--quiet', '-b', 'auth-refactor']);
    writeFiles(repo, { 'test/extra.test.js': "require('node:test')('only on the branch', () => { throw new Error('boom on branch'); });\n" });
    commit(repo, 'branch work');
    git(repo, ['checkout', '--quiet', 'main']);
    const { end } = await run(repo, 'run the tests on the auth-refactor branch');
    assert.equal(end.state, 'failed');
    assert.deepEqual(end.result?.tests?.failures, ['only on the branch']);
    assert.match(end.result?.summary ?? '', /only on the branch — .*boom on branch/);
    const onMain = await run(repo, 'are the tests green on main?');
    assert.equal(onMain.end.state, 'completed');
    assert.equal(onMain.end.result?.tests?.failed, 0);
  });

  it('a branch that does not exist is said plainly', async () => {
    const repo = makeRepo(path.join(h.temp.make(), 'app'), nodeTestProject('passing'));
    const { end } = await run(repo, 'run the tests on branch nope');
    assert.equal(end.state, 'failed');
    assert.match(end.result?.summary ?? '', /"nope" does not name a commit/);
  });

  it('"on" and the repository\'s own name runs at the configured base, not at a branch of that name', async () => {
    const repo = makeRepo(path.join(h.temp.make(), 'app'), nodeTestProject('passing'));
    // Typed in a trial of the web chat, where the repository was called cookie: it failed with 'Base "cookie" does not name a commit'.
    const { end } = await run(repo, 'hey, can you run the tests on app?');
    assert.equal(end.state, 'completed', end.result?.summary);
    assert.equal(end.result?.tests?.failed, 0);
  });

  it('a literal command runs exactly as written, after approval', async () => {
    const repo = makeRepo(path.join(h.temp.make(), 'app'), nodeTestProject('failing'));
    const { end, asked } = await run(repo, 'node --test --test-name-pattern=multiplies');
    assert.deepEqual(asked, [['node', '--test', '--test-name-pattern=multiplies']]);
    assert.equal(end.state, 'failed');
    assert.deepEqual(end.result?.tests?.failures, ['multiplies']);
  });

  it('"format the code" runs the formatter and commits only what it changed', async () => {
    const repo = makeRepo(path.join(h.temp.make(), 'app'), {
      'package.json': JSON.stringify({ scripts: { format: "node -e \"const f=require('fs');f.writeFileSync('a.js',f.readFileSync('a.js','utf8').replace(/ +/g,' '));f.writeFileSync('stray.log','x')\"" } }),
      'a.js': 'const   a   =  1;\n',
      'b.js': 'const b = 2;\n',
    });
    const { end } = await run(repo, 'formate le code');
    assert.equal(end.state, 'completed', end.result?.summary);
    assert.match(end.result?.summary ?? '', /Formatted 1 file and committed/);
    assert.deepEqual(end.result?.filesChanged.map((f) => f.path), ['a.js']);
    assert.equal(git(repo, ['show', `${end.result?.branch}:a.js`]), 'const a = 1;\n');
    assert.equal(readFileSync(path.join(repo, 'a.js'), 'utf8'), 'const   a   =  1;\n', "the user's checkout is untouched");
  });

  it('"review my changes on branch X": diffstat, commits, tests and lint, and the risks', async () => {
    const repo = makeRepo(path.join(h.temp.make(), 'app'), {
      ...nodeTestProject('passing'),
      'package.json': JSON.stringify({ scripts: { test: 'node --test', lint: 'node -e "process.exit(0)"' }, dependencies: {} }),
      'test/old.test.js': "require('node:test')('old', () => {});\n",
    });
    git(repo, ['checkout', '--quiet', '-b', 'feature-x']);
    git(repo, ['rm', '--quiet', 'test/old.test.js']);
    writeFiles(repo, {
      'package.json': JSON.stringify({ scripts: { test: 'node --test', lint: 'node -e "process.exit(0)"' }, peerDependencies: { 'left-pad': '^1.3.0' } }), // a peer: nothing to install first
      'package-lock.json': '{}\n',
      'src/feature.js': 'module.exports = 1;\n',
    });
    commit(repo, 'Add the feature');
    git(repo, ['checkout', '--quiet', 'main']);
    const { end, asked } = await run(repo, 'review my changes on branch feature-x');
    assert.deepEqual(asked.map((c) => c.join(' ')), ['npm test', 'npm run lint']);
    const summary = end.result?.summary ?? '';
    assert.match(summary, /Review of feature-x against main \(1 commit\)/);
    assert.match(summary, /[0-9a-f]{7} Add the feature/);
    assert.match(summary, /src\/feature\.js/);
    assert.match(summary, /deletes tests: test\/old\.test\.js/);
    assert.match(summary, /changes lockfiles: package-lock\.json/);
    assert.match(summary, /adds dependencies: left-pad/);
    assert.match(summary, /Tests: Tests passed/);
  });

  it('a review of a branch whose dependencies do not install says so once, with the package manager\'s reason', async () => {
    const repo = makeRepo(path.join(h.temp.make(), 'app'), nodeTestProject('passing'));
    git(repo, ['checkout', '--quiet', '-b', 'bump']);
    // A dependency tarball that is not there: npm fails at once, with no network.
    writeFiles(repo, { 'package.json': JSON.stringify({ scripts: { test: 'node --test' }, dependencies: { shout: 'file:./vendor/missing.tgz' } }) });
    commit(repo, 'Depend on shout');
    git(repo, ['checkout', '--quiet', 'main']);
    const { end } = await run(repo, 'review my changes on branch bump');
    assert.equal(end.state, 'failed');
    const summary = end.result?.summary ?? '';
    assert.match(summary, /^Installing dependencies failed \(`npm install[^`]*`, exit code \d+\)\.\nnpm error .+/m, summary);
    assert.match(summary, /Risks:\n• dependencies do not install\n/);
    const record = { id: end.sessionId, repo: 'app', state: 'failed', result: end.result, owner: { platform: 'web', userId: 'ana' } } as unknown as JobRecord;
    const text = finalMessage(record, 'laptop').text;
    assert.equal(text, summary, 'the chat adds no second line saying the same');
  });

  it('"look at the failing build on main" reports the first errors with file and line', async () => {
    const repo = makeRepo(path.join(h.temp.make(), 'app'), {
      'package.json': JSON.stringify({ scripts: { build: 'node build.js', test: 'node --test' } }),
      'build.js': "console.log('compiling…');\nconsole.error('src/app.ts(12,5): error TS2322: Type \\'string\\' is not assignable to type \\'number\\'.');\nprocess.exit(2);\n",
      'test/a.test.js': "require('node:test')('fine', () => {});\n",
    });
    const { end } = await run(repo, 'look at the failing CI on main');
    assert.equal(end.state, 'failed');
    assert.match(end.result?.summary ?? '', /The build or the tests fail on main/);
    assert.match(end.result?.summary ?? '', /src\/app\.ts\(12,5\): error TS2322/);
    assert.match(end.result?.summary ?? '', /Tests: Tests passed: 1 passed/);
  });

  it('"what fails on main?" in a repository whose default branch is master runs the build and tests there', async () => {
    const repo = makeRepo(path.join(h.temp.make(), 'lib'), {
      'package.json': JSON.stringify({ scripts: { build: 'node -e "process.exit(0)"', test: 'node --test' } }),
      'test/a.test.js': "require('node:test')('fine', () => {});\n",
    });
    git(repo, ['branch', '-m', 'master']);
    git(repo, ['checkout', '--quiet', '-b', 'feature']);
    writeFiles(repo, { 'test/b.test.js': "require('node:test')('only on feature', () => { throw new Error('feature is broken'); });\n" });
    git(repo, ['add', '--all']);
    git(repo, ['commit', '--quiet', '-m', 'a broken test on feature']);
    const { end } = await run(repo, 'what fails on main?');
    assert.equal(end.state, 'completed', end.result?.summary);
    const summary = end.result?.summary ?? '';
    assert.match(summary, /^The build and the tests pass on master\./, 'the first line names the branch it ran on');
    assert.match(summary, /Ran on master \(the default branch: this repository has no main\)/);
    assert.doesNotMatch(summary, /on main\b/, 'no line claims it ran on main');
    assert.match(summary, /1 passed, 0 failed/, 'ran at master, not at the checked-out feature branch');
  });

  it('a denied step ends the turn and says so', async () => {
    const repo = makeRepo(path.join(h.temp.make(), 'app'), nodeTestProject('passing'));
    const runner = h.runner({ repos: [{ name: 'app', path: repo }] });
    const { sessionId } = await runner.submit(job('lint'));
    const end = await waitForEnd(runner, sessionId);
    assert.match(end.result?.summary ?? '', /Found no linter command/);
    const again = await runner.submit(job('npm test'));
    const request = await waitForEvent(runner, (e) => e.sessionId === again.sessionId && e.kind === 'approval_requested');
    if (request.kind !== 'approval_requested') throw new Error('unreachable');
    runner.decide(again.sessionId, { requestId: request.request.requestId, decision: 'deny', reason: 'not now' });
    const denied = await waitForEnd(runner, again.sessionId);
    assert.equal(denied.result?.summary, 'Did not run `npm test`: denied — not now');
  });

  it('a denied follow-up ends that turn and says so, and the earlier verdict stands', async () => {
    const repo = makeRepo(path.join(h.temp.make(), 'app'), nodeTestProject('passing'));
    const runner = h.runner({ repos: [{ name: 'app', path: repo }] });
    const { sessionId } = await runner.submit(job('run the tests'));
    const first = await waitForEvent(runner, (e) => e.sessionId === sessionId && e.kind === 'approval_requested');
    if (first.kind !== 'approval_requested') throw new Error('unreachable');
    runner.decide(sessionId, { requestId: first.request.requestId, decision: 'approve_once' });
    assert.equal((await waitForEnd(runner, sessionId)).state, 'completed');
    await runner.followUp(sessionId, 'now run npm test again');
    const second = await waitForEvent(runner, (e) => e.sessionId === sessionId && e.kind === 'approval_requested' && e.request.requestId !== first.request.requestId);
    if (second.kind !== 'approval_requested') throw new Error('unreachable');
    runner.decide(sessionId, { requestId: second.request.requestId, decision: 'deny', reason: 'not today' });
    await waitForEvent(runner, (e) => e.sessionId === sessionId && e.kind === 'state' && e.state === 'completed' && e.seq > second.seq);
    const end = runner.session(sessionId);
    assert.equal(end?.state, 'completed');
    assert.match(end?.result?.summary ?? '', /^This follow-up did not run: Did not run `npm test`: denied — not today\nThe earlier result stands \(completed\): Tests passed: 4 passed/);
    assert.equal(end?.result?.tests?.passed, 4);
    assert.equal(end?.result?.error, undefined);
  });

  it('pytest also writes a JUnit report outside the worktree: names and messages even when the text has none', async function () {
    if (spawnSync('python3', ['-m', 'pytest', '--version']).status !== 0) this.skip(); // no pytest in this python3
    const repo = makeRepo(path.join(h.temp.make(), 'py'), {
      // The text output carries counts only: no tracebacks, no short summary.
      'pytest.ini': '[pytest]\naddopts = -p no:cacheprovider --tb=no -rN\n',
      'tests/test_calc.py': 'def test_ok():\n    assert 1 == 1\n\ndef test_bad():\n    assert 1 + 1 == 3, "two is not three"\n',
    });
    const { end, asked } = await run(repo, 'are the tests green?');
    assert.equal(asked[0]?.slice(0, 3).join(' '), 'python3 -m pytest');
    assert.match(asked[0]?.[3] ?? '', /^--junitxml=.*dispatch-report-.*junit\.xml$/);
    assert.ok(!(asked[0]?.[3] ?? '').includes(repo), 'the report is written outside the worktree');
    assert.deepEqual(end.result?.tests?.failures, ['tests/test_calc.py::test_bad']);
    assert.match(end.result?.summary ?? '', /• tests\/test_calc\.py::test_bad — AssertionError: two is not three/);
    // The chat names the command the person knows; the temp report file is Dispatch's business.
    assert.match(end.result?.summary ?? '', /^Tests failed: 1 passed, 1 failed \(`python3 -m pytest`\)/);
    assert.equal(end.result?.tests?.command, 'python3 -m pytest');
  });

  it('the duration is working time; the time waiting for a person is reported apart', async () => {
    const repo = makeRepo(path.join(h.temp.make(), 'app'), nodeTestProject('passing'));
    const runner = h.runner({ repos: [{ name: 'app', path: repo }] });
    const started = Date.now();
    const { sessionId } = await runner.submit(job('npm test'));
    const asked = await waitForEvent(runner, (e) => e.sessionId === sessionId && e.kind === 'approval_requested');
    if (asked.kind !== 'approval_requested') throw new Error('unreachable');
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // the person takes a while
    runner.decide(sessionId, { requestId: asked.request.requestId, decision: 'approve_once' });
    const end = await waitForEnd(runner, sessionId);
    const wall = Date.now() - started;
    const { durationMs = 0, waitingMs = 0 } = end.result ?? {};
    assert.ok(waitingMs >= 1_400 && waitingMs < wall, `waited ${waitingMs} ms of ${wall} ms`);
    assert.ok(durationMs + waitingMs <= wall + 50, `working ${durationMs} ms + waiting ${waitingMs} ms fit in ${wall} ms`);
    assert.ok(durationMs < wall - 1_400, 'the wait is not in the duration');
  });

  it('a pytest command written out runs exactly as written, without an added report option', async function () {
    if (spawnSync('python3', ['-m', 'pytest', '--version']).status !== 0) this.skip(); // no pytest in this python3
    const repo = makeRepo(path.join(h.temp.make(), 'py'), {
      'pytest.ini': '[pytest]\naddopts = -p no:cacheprovider\n',
      'tests/test_calc.py': 'def test_ok():\n    assert 1 == 1\n\ndef test_bad():\n    assert 1 + 1 == 3\n',
    });
    const { end, asked } = await run(repo, 'python3 -m pytest -k bad');
    assert.deepEqual(asked, [['python3', '-m', 'pytest', '-k', 'bad']]);
    assert.deepEqual(end.result?.tests?.failures, ['tests/test_calc.py::test_bad']);
  });
});
