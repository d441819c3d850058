import assert from 'node:assert/strict';
import path from 'node:path';
import { makeRepo } from '../../helpers/gitRepos.js';
import type { Runner } from '../../../extension/core/runner.js';
import type { SessionSnapshot } from '../../../shared/sessions.js';
import { Harness, job, waitForEnd } from './harness.js';

/** Approves every request as it comes and records the commands asked for. */
async function runApproving(runner: Runner, task: string): Promise<{ end: SessionSnapshot; asked: string[][] }> {
  const asked: string[][] = [];
  const answered = new Set<string>();
  const { sessionId } = await runner.submit(job(task));
  const answer = (event: ReturnType<Runner['unacknowledged']>[number]) => {
    if (event.sessionId !== sessionId || event.kind !== 'approval_requested' || answered.has(event.request.requestId)) return;
    answered.add(event.request.requestId);
    asked.push([...(event.request.command ?? [])]);
    runner.decide(sessionId, { requestId: event.request.requestId, decision: 'approve_once' });
  };
  runner.onEvent(answer);
  for (const event of runner.unacknowledged()) answer(event);
  return { end: await waitForEnd(runner, sessionId, 110_000), asked };
}

/** A project like jonschlinkert/is-number: no lockfile, because its .npmrc turns it off. */
function noLockfileProject(dependencies: Record<string, string>): Record<string, string> {
  return {
    'package.json': JSON.stringify({ name: 'probe', version: '1.0.0', private: true, dependencies }, null, 2),
    '.npmrc': 'package-lock=false\n',
    '.gitignore': 'node_modules/\n',
  };
}

describe('builtin agent: "any outdated deps?" against the real npm registry', function () {
  this.timeout(120_000);
  const h = new Harness();
  afterEach(() => h.cleanup());

  it('installs first, then lists each outdated dependency with its current, wanted and latest version', async () => {
    // is-number 6.0.0 is what ^6 installs; 7.0.0 is its latest (both published years ago, never to change).
    const repo = makeRepo(path.join(h.temp.make(), 'is-number'), noLockfileProject({ 'is-number': '^6.0.0' }));
    const runner = h.runner({ repos: [{ name: 'is-number', path: repo }] });
    const { end, asked } = await runApproving(runner, 'any outdated deps?');
    assert.equal(end.state, 'completed', end.result?.summary);
    assert.deepEqual(asked, [['npm', 'install', '--no-audit', '--no-fund'], ['npm', 'outdated', '--json']]);
    const summary = end.result?.summary ?? '';
    assert.match(summary, /^1 dependency is outdated \(`npm outdated --json`\):/);
    assert.match(summary, /• is-number — current 6\.0\.0, wanted 6\.0\.0, latest 7\.0\.0/);
    assert.doesNotMatch(summary, /MISSING|not installed/);
  });

  it('says plainly that every dependency is up to date when none is behind', async () => {
    const repo = makeRepo(path.join(h.temp.make(), 'is-number'), noLockfileProject({ 'is-number': '^7.0.0' }));
    const runner = h.runner({ repos: [{ name: 'is-number', path: repo }] });
    const { end } = await runApproving(runner, 'which dependencies are outdated?');
    assert.equal(end.state, 'completed', end.result?.summary);
    assert.match(end.result?.summary ?? '', /^Every dependency is up to date \(`npm outdated --json`\)\./);
  });
});
