import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { FREE_FORM_MESSAGE } from '../../../extension/core/agents/builtin.js';
import { makeRepo, nodeTestProject } from '../../helpers/gitRepos.js';
import { Harness, job, waitForApproval, waitForEnd } from './harness.js';

describe('builtin agent on real projects', function () {
  this.timeout(30_000);
  const h = new Harness();
  afterEach(() => h.cleanup());

  async function runTests(suite: 'passing' | 'failing') {
    const repo = makeRepo(path.join(h.temp.make(), 'app'), nodeTestProject(suite));
    const runner = h.runner({ repos: [{ name: 'app', path: repo }] });
    await runner.start();
    const { sessionId } = await runner.submit(job('run the tests'));
    const request = await waitForApproval(runner, sessionId);
    assert.deepEqual(request.command, ['npm', 'test']);
    runner.decide(sessionId, { requestId: request.requestId, decision: 'approve_once' });
    return waitForEnd(runner, sessionId);
  }

  it('reports the counts of a passing npm test suite and completes', async () => {
    const end = await runTests('passing');
    assert.equal(end.state, 'completed');
    assert.deepEqual(end.result?.tests, { command: 'npm test', passed: 4, failed: 0, skipped: 0, failures: [] });
    assert.match(end.result?.summary ?? '', /Tests passed: 4 passed, 0 failed/);
  });

  it('reports the counts and the failing test names of a failing suite, and fails', async () => {
    const end = await runTests('failing');
    assert.equal(end.state, 'failed');
    assert.equal(end.result?.tests?.passed, 2);
    assert.equal(end.result?.tests?.failed, 2);
    assert.deepEqual(end.result?.tests?.failures, ['strings > upper-cases', 'multiplies']);
    // Each failing test is named with its first assertion line.
    assert.match(end.result?.summary ?? '', /• strings > upper-cases — 'A' == 'a'\n• multiplies — 6 == 7/);
    // The full output is in the session's log file; events carried excerpts only.
    const log = readFileSync(end.result?.logFile ?? '', 'utf8');
    assert.match(log, /\$ npm test/);
    assert.match(log, /# fail 2/);
  });

  it('fails fast on free-form coding, naming DISPATCH_AGENT, and asks nothing', async () => {
    const repo = makeRepo(path.join(h.temp.make(), 'app'), nodeTestProject('passing'));
    const runner = h.runner({ repos: [{ name: 'app', path: repo }] });
    const { sessionId } = await runner.submit(job('refactor the auth module'));
    const end = await waitForEnd(runner, sessionId);
    assert.equal(end.state, 'failed');
    assert.equal(end.result?.summary, FREE_FORM_MESSAGE);
    assert.match(end.result?.summary ?? '', /free-form coding set DISPATCH_AGENT=claude/);
    // Read on a phone: a few short lines, the refusal said once (the error repeats nothing new).
    assert.ok(FREE_FORM_MESSAGE.length < 450, `${FREE_FORM_MESSAGE.length} chars`);
    assert.ok((end.result?.summary ?? '').includes(end.result?.error ?? '?'));
    assert.ok(!h.eventsOf(sessionId).some((event) => event.kind === 'approval_requested'));
  });

  it('says what it looked for when the project has no such command', async () => {
    const repo = makeRepo(path.join(h.temp.make(), 'app'), { 'README.md': 'docs only\n' });
    const runner = h.runner({ repos: [{ name: 'app', path: repo }] });
    const { sessionId } = await runner.submit(job('run the linter'));
    const end = await waitForEnd(runner, sessionId);
    assert.equal(end.state, 'failed');
    assert.match(end.result?.summary ?? '', /Found no linter command to run \(looked for package\.json scripts/);
  });

  it('runs pytest and names the failing tests', async function () {
    const probe = await import('node:child_process').then(({ spawnSync }) => spawnSync('python3', ['-m', 'pytest', '--version']));
    if (probe.status !== 0) this.skip();
    const repo = makeRepo(path.join(h.temp.make(), 'py'), {
      'tests/test_calc.py': 'def test_ok():\n    assert 1 == 1\n\ndef test_bad():\n    assert 1 == 2\n',
      'pytest.ini': '[pytest]\naddopts = -p no:cacheprovider\n',
    });
    const runner = h.runner({ repos: [{ name: 'py', path: repo }] });
    const { sessionId } = await runner.submit(job('lance les tests'));
    const request = await waitForApproval(runner, sessionId);
    runner.decide(sessionId, { requestId: request.requestId, decision: 'approve_once' });
    const end = await waitForEnd(runner, sessionId);
    assert.equal(end.state, 'failed');
    assert.equal(end.result?.tests?.passed, 1);
    assert.equal(end.result?.tests?.failed, 1);
    assert.deepEqual(end.result?.tests?.failures, ['tests/test_calc.py::test_bad']);
    assert.ok(!existsSync(path.join(repo, '.pytest_cache')), "the user's checkout is not where tests ran");
  });

  it('does not commit what a check leaves behind (build output)', async () => {
    const repo = makeRepo(path.join(h.temp.make(), 'app'), {
      'package.json': JSON.stringify({ scripts: { build: 'node -e "require(\'fs\').writeFileSync(\'out.txt\', \'x\')"' } }),
    });
    const runner = h.runner({ repos: [{ name: 'app', path: repo }] });
    const { sessionId } = await runner.submit(job('build'));
    const request = await waitForApproval(runner, sessionId);
    assert.deepEqual(request.command, ['npm', 'run', 'build']);
    runner.decide(sessionId, { requestId: request.requestId, decision: 'approve_once' });
    const end = await waitForEnd(runner, sessionId);
    assert.equal(end.state, 'completed');
    assert.deepEqual(end.result?.filesChanged, []);
    assert.ok(existsSync(path.join(end.worktree ?? '', 'out.txt')));
  });
});
