import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { finalMessage } from '../../../bridge/messages.js';
import type { JobRecord } from '../../../bridge/store/store.js';
import { makeRepo } from '../../helpers/gitRepos.js';
import type { Runner } from '../../../extension/core/runner.js';
import { Harness, job, waitForApproval, waitForEnd, waitForEvent } from './harness.js';

/** The next approval request after `previous`. */
async function nextApproval(runner: Runner, sessionId: string, previous: string) {
  const event = await waitForEvent(runner, (e) => e.sessionId === sessionId && e.kind === 'approval_requested' && e.request.requestId !== previous);
  if (event.kind !== 'approval_requested') throw new Error('unreachable');
  return event.request;
}

/** A project whose tests need a dependency; the dependency is a local folder so npm needs no network. */
function projectWithDependency(): Record<string, string> {
  return {
    'package.json': JSON.stringify({ name: 'app', private: true, scripts: { test: 'node --test' }, dependencies: { shout: 'file:./vendor/shout' } }, null, 2),
    'vendor/shout/package.json': JSON.stringify({ name: 'shout', version: '1.0.0', main: 'index.js' }),
    'vendor/shout/index.js': "module.exports = (text) => text.toUpperCase() + '!';\n",
    'test/shout.test.js': "const test = require('node:test');\nconst assert = require('node:assert');\nconst shout = require('shout');\ntest('shouts', () => assert.equal(shout('hi'), 'HI!'));\n",
    '.gitignore': 'node_modules/\n',
  };
}

describe('builtin agent in a fresh worktree', function () {
  this.timeout(60_000);
  const h = new Harness();
  afterEach(() => h.cleanup());

  it("installs the project's dependencies first (asking), then runs the tests, never touching the checkout's node_modules", async () => {
    const repo = makeRepo(path.join(h.temp.make(), 'app'), projectWithDependency());
    const runner = h.runner({ repos: [{ name: 'app', path: repo }] });
    const { sessionId } = await runner.submit(job('run the tests'));
    const install = await waitForApproval(runner, sessionId);
    assert.deepEqual(install.command, ['npm', 'install', '--no-audit', '--no-fund']);
    runner.decide(sessionId, { requestId: install.requestId, decision: 'approve_once' });
    const test = await nextApproval(runner, sessionId, install.requestId);
    assert.deepEqual(test.command, ['npm', 'test']);
    runner.decide(sessionId, { requestId: test.requestId, decision: 'approve_once' });
    const end = await waitForEnd(runner, sessionId);
    assert.equal(end.state, 'completed', end.result?.summary);
    assert.equal(end.result?.tests?.passed, 1);
    assert.equal(existsSync(path.join(repo, 'node_modules')), false, "the user's checkout got no node_modules");
    assert.deepEqual(end.result?.filesChanged, [], 'installed dependencies are not committed');
  });

  it('a failed install is said once in the chat result: the summary with npm\'s own error, no second "failed" line', async () => {
    const files = projectWithDependency();
    // A dependency tarball that is not there: npm fails at once, with no network.
    files['package.json'] = JSON.stringify({ name: 'app', private: true, scripts: { test: 'node --test' }, dependencies: { shout: 'file:./vendor/missing.tgz' } });
    const repo = makeRepo(path.join(h.temp.make(), 'app'), files);
    const runner = h.runner({ repos: [{ name: 'app', path: repo }] });
    const { sessionId } = await runner.submit(job('run the tests'));
    const install = await waitForApproval(runner, sessionId);
    runner.decide(sessionId, { requestId: install.requestId, decision: 'approve_once' });
    const end = await waitForEnd(runner, sessionId);
    assert.equal(end.state, 'failed');
    assert.ok(end.result, 'a result');
    const record = { id: sessionId, repo: 'app', state: 'failed', result: end.result, owner: { platform: 'web', userId: 'ana' } } as unknown as JobRecord;
    const text = finalMessage(record, 'laptop').text;
    assert.match(text, /^Installing dependencies failed \(`npm install --no-audit --no-fund`, exit code \d+\)\./);
    assert.match(text, /vendor\/missing|ENOENT|Could not install/, "npm's own reason is quoted");
    assert.equal(text.match(/failed/gi)?.length, 1, text);
  });

  it("a postinstall that fails with a long stack trace: the chat's excerpt keeps its error, not only frames", async () => {
    const files = projectWithDependency();
    // Like cookie 1.1's top-sites, whose postinstall downloads a list and dies offline with 33 lines of frames.
    files['package.json'] = JSON.stringify({ name: 'app', private: true, scripts: { test: 'node --test', postinstall: 'node postinstall.js' }, dependencies: { shout: 'file:./vendor/shout' } });
    files['postinstall.js'] = [
      'Error.stackTraceLimit = 40;',
      "function fetchList(depth) { if (depth === 0) throw new Error('getaddrinfo ENOTFOUND lists.example.invalid'); fetchList(depth - 1); }",
      'fetchList(30);',
      '',
    ].join('\n');
    const repo = makeRepo(path.join(h.temp.make(), 'app'), files);
    const runner = h.runner({ repos: [{ name: 'app', path: repo }] });
    const { sessionId } = await runner.submit(job('run the tests'));
    const install = await waitForApproval(runner, sessionId);
    runner.decide(sessionId, { requestId: install.requestId, decision: 'approve_once' });
    const end = await waitForEnd(runner, sessionId);
    assert.equal(end.state, 'failed');
    const summary = end.result?.summary ?? '';
    assert.match(summary, /ENOTFOUND lists\.example\.invalid/, summary);
    assert.match(summary, /… \d+ stack frames/, summary);
    assert.ok(!/at fetchList/.test(summary), summary);
  });

  it('stops with a clear message when the install is denied', async () => {
    const repo = makeRepo(path.join(h.temp.make(), 'app'), projectWithDependency());
    const runner = h.runner({ repos: [{ name: 'app', path: repo }] });
    const { sessionId } = await runner.submit(job('run the tests'));
    const install = await waitForApproval(runner, sessionId);
    runner.decide(sessionId, { requestId: install.requestId, decision: 'deny', reason: 'not on this laptop' });
    const end = await waitForEnd(runner, sessionId);
    assert.equal(end.state, 'failed');
    assert.match(end.result?.summary ?? '', /Did not install dependencies .*not on this laptop/);
  });

  it('a project without a lockfile (package-lock=false, like is-number) says its install is kept by its package.json', async () => {
    const files = { ...projectWithDependency(), '.npmrc': 'package-lock=false\n' };
    const repo = makeRepo(path.join(h.temp.make(), 'is-number'), files);
    const runner = h.runner({ repos: [{ name: 'is-number', path: repo }] });
    const { sessionId } = await runner.submit(job('run the tests'));
    const install = await waitForApproval(runner, sessionId);
    runner.decide(sessionId, { requestId: install.requestId, decision: 'approve_once' });
    const test = await nextApproval(runner, sessionId, install.requestId);
    runner.decide(sessionId, { requestId: test.requestId, decision: 'approve_once' });
    const end = await waitForEnd(runner, sessionId);
    assert.equal(end.state, 'completed', end.result?.summary);
    const said = h.eventsOf(sessionId).filter((e) => e.kind === 'progress').map((e) => (e.kind === 'progress' ? e.text : ''));
    const line = said.find((text) => text.startsWith('dependencies: installed'));
    assert.match(line ?? '', /^dependencies: installed \(\d+\.\d s\); (being copied into the cache in the background|kept in the cache) for the next session \(no lockfile: package\.json [0-9a-f]{8}…\)$/);
  });
});
