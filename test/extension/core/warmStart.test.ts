import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { git, makeRepo, TempDirs, writeFiles } from '../../helpers/gitRepos.js';
import { Harness, job, waitForEnd } from './harness.js';
import { approveAll, entriesReady, waitForReadyPool } from './warmPool.js';

/**
 * A tiny project whose one dependency comes from the npm registry. Its second test
 * plants a file in node_modules and fails if it finds one already there: a session that
 * saw another session's node_modules would fail its tests.
 */
function project(version: string, lock: string): Record<string, string> {
  return {
    'package.json': JSON.stringify({ name: 'app', private: true, scripts: { test: 'node --test' }, dependencies: { 'is-number': version } }, null, 2),
    'package-lock.json': lock,
    '.gitignore': 'node_modules/\n',
    'test/number.test.js': [
      "const test = require('node:test');",
      "const assert = require('node:assert');",
      "const fs = require('node:fs');",
      "const isNumber = require('is-number');",
      "test('knows a number', () => assert.equal(isNumber(5), true));",
      "test('starts from a pristine node_modules', () => {",
      "  const planted = require.resolve('is-number').replace(/index\\.js$/, 'planted.txt');",
      "  assert.equal(fs.existsSync(planted), false, 'a file planted by an earlier session');",
      "  fs.writeFileSync(planted, 'from ' + process.cwd());",
      '});',
      '',
    ].join('\n'),
  };
}

/** package-lock.json for is-number@VERSION, resolved once per test run from the registry. */
function lockfileFor(dir: string, version: string): string {
  writeFiles(dir, { 'package.json': JSON.stringify({ name: 'app', private: true, dependencies: { 'is-number': version } }) });
  execFileSync('npm', ['install', '--package-lock-only', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: 'ignore', timeout: 120_000 });
  return readFileSync(path.join(dir, 'package-lock.json'), 'utf8');
}

describe('warm starts: dependencies from the cache', function () {
  this.timeout(180_000);
  const h = new Harness();
  const fixtures = new TempDirs();
  let lock7 = '';
  let lock6 = '';

  before(function () {
    try {
      lock7 = lockfileFor(fixtures.make(), '7.0.0');
      lock6 = lockfileFor(fixtures.make(), '6.0.0');
    } catch {
      this.skip(); // no registry
    }
  });
  after(() => fixtures.cleanup());
  afterEach(() => h.cleanup());

  it('the second session gets a copy (no install, nothing asked) and its tests pass; a changed lockfile installs afresh', async () => {
    const repo = makeRepo(path.join(h.temp.make(), 'app'), project('7.0.0', lock7));
    const home = h.temp.make('dispatch-home-');
    const runner = h.runner({ home, repos: [{ name: 'app', path: repo }] });
    const asked = approveAll(runner);

    const first = await runner.submit(job('run the tests'));
    const firstEnd = await waitForEnd(runner, first.sessionId, 150_000);
    assert.equal(firstEnd.state, 'completed', firstEnd.result?.summary);
    assert.deepEqual(asked, [['npm', 'ci', '--no-audit', '--no-fund'], ['npm', 'test']]);
    assert.match(firstEnd.result?.summary ?? '', /Dependencies: installed \(\d+\.\d s\)\./);

    asked.length = 0;
    const second = await runner.submit(job('run the tests'));
    const secondEnd = await waitForEnd(runner, second.sessionId, 60_000);
    assert.equal(secondEnd.state, 'completed', secondEnd.result?.summary);
    assert.equal(secondEnd.result?.tests?.passed, 2, 'both tests pass: no file planted by the first session');
    assert.deepEqual(asked, [['npm', 'test']], 'no install was asked for');
    const lockHash = /Dependencies: from cache \(lockfile ([0-9a-f]{8})…, \d+\.\d s\)\./.exec(secondEnd.result?.summary ?? '');
    assert.ok(lockHash, secondEnd.result?.summary);
    const log = readFileSync(secondEnd.result?.logFile ?? '', 'utf8');
    assert.match(log, /\[dispatch\] dependencies: from cache \(lockfile [0-9a-f]{8}…/);

    assert.equal(existsSync(path.join(repo, 'node_modules')), false, "the user's checkout got no node_modules");
    await entriesReady(path.join(home, 'deps-cache', 'entries'), 1); // copied once the runner was idle
    const [entry] = readdirSync(path.join(home, 'deps-cache', 'entries'));
    assert.equal(existsSync(path.join(home, 'deps-cache', 'entries', entry ?? '', 'tree', 'is-number', 'planted.txt')), false, 'the cache stays pristine');

    // A new lockfile (another version) is another key: installed afresh, after asking.
    writeFiles(repo, project('6.0.0', lock6));
    git(repo, ['commit', '--quiet', '-am', 'is-number 6']);
    asked.length = 0;
    const third = await runner.submit(job('run the tests'));
    const thirdEnd = await waitForEnd(runner, third.sessionId, 150_000);
    assert.equal(thirdEnd.state, 'completed', thirdEnd.result?.summary);
    assert.deepEqual(asked, [['npm', 'ci', '--no-audit', '--no-fund'], ['npm', 'test']]);
    assert.match(thirdEnd.result?.summary ?? '', /Dependencies: installed/);
    await entriesReady(path.join(home, 'deps-cache', 'entries'), 2);
  });

  it('a session taken from the warm pool finds the dependencies in place, and says so', async () => {
    const repo = makeRepo(path.join(h.temp.make(), 'app'), project('7.0.0', lock7));
    const home = h.temp.make('dispatch-home-');
    const cold = h.runner({ home, repos: [{ name: 'app', path: repo }] });
    approveAll(cold);
    const first = await cold.submit(job('run the tests'));
    assert.equal((await waitForEnd(cold, first.sessionId, 150_000)).state, 'completed');
    await cold.stop();

    const warm = h.runner({ home, repos: [{ name: 'app', path: repo }], worktreePool: 1, warmPoolDelayMs: 0 });
    const asked = approveAll(warm);
    await warm.start();
    await waitForReadyPool(home);
    const second = await warm.submit(job('run the tests'));
    const end = await waitForEnd(warm, second.sessionId, 60_000);
    assert.equal(end.state, 'completed', end.result?.summary);
    assert.equal(end.result?.tests?.passed, 2);
    assert.deepEqual(asked, [['npm', 'test']]);
    assert.match(end.result?.summary ?? '', /Dependencies: from cache \(lockfile [0-9a-f]{8}…, \d+\.\d s before the session, in a warm worktree\)\./);
  });
});
