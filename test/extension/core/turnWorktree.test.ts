import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { git, makeRepo, nodeTestProject } from '../../helpers/gitRepos.js';
import type { Runner } from '../../../extension/core/runner.js';
import type { SessionSnapshot } from '../../../shared/sessions.js';
import { Harness, job, waitForApproval, waitForEvent } from './harness.js';

/** The end of the session's next turn: its final state after `afterSeq`. */
async function nextEnd(runner: Runner, sessionId: string, afterSeq: number, timeoutMs = 30_000): Promise<SessionSnapshot> {
  await waitForEvent(
    runner,
    (e) => e.sessionId === sessionId && e.seq > afterSeq && e.kind === 'state' && ['completed', 'failed', 'cancelled', 'interrupted'].includes(e.state),
    timeoutMs,
  );
  const snapshot = runner.session(sessionId);
  if (!snapshot) throw new Error('session vanished');
  return snapshot;
}

/** Approves every request of the session as it comes. */
function approveAll(runner: Runner, sessionId: string): void {
  runner.onEvent((event) => {
    if (event.sessionId === sessionId && event.kind === 'approval_requested') runner.decide(sessionId, { requestId: event.request.requestId, decision: 'approve_once' });
  });
}

describe('a turn and the worktree it was given', function () {
  this.timeout(60_000);
  const h = new Harness();
  afterEach(() => h.cleanup());

  it('after a Cancel that said "kept", a follow-up the builtin agent refuses keeps the worktree and branch', async () => {
    // Tests that never end: the person cancels them while they run.
    const repo = makeRepo(path.join(h.temp.make(), 'is-number'), { 'package.json': JSON.stringify({ scripts: { test: 'node -e "setInterval(() => {}, 1000)"' } }) });
    const runner = h.runner({ repos: [{ name: 'is-number', path: repo }] });
    const { sessionId } = await runner.submit(job('run the tests'));
    const request = await waitForApproval(runner, sessionId);
    runner.decide(sessionId, { requestId: request.requestId, decision: 'approve_once' });
    await waitForEvent(runner, (e) => e.sessionId === sessionId && e.kind === 'progress' && e.text.startsWith('Running `npm test`'));
    await runner.cancel(sessionId);
    const cancelled = runner.session(sessionId);
    assert.equal(cancelled?.state, 'cancelled');
    assert.equal(cancelled?.result?.summary, 'Cancelled. The worktree and branch are kept.');
    const { worktree, branch } = cancelled ?? {};
    assert.ok(worktree && branch && existsSync(worktree));

    await runner.followUp(sessionId, 'write me a poem about it');
    const refused = await nextEnd(runner, sessionId, cancelled?.lastSeq ?? 0);
    assert.equal(refused.state, 'failed', 'the builtin agent refused it');
    assert.ok(existsSync(worktree), 'the kept worktree is still there');
    assert.match(git(repo, ['branch', '--list', branch]), new RegExp(branch.replace(/[/.]/g, '\\$&')), 'the kept branch is still there');
    assert.equal(refused.result?.worktree, worktree, 'the result still names the kept worktree');
    assert.equal(refused.result?.branch, branch);
  });

  it('"are the tests green on main?" in a repository on master says it ran on master, the default branch, and names its branch so', async () => {
    const repo = makeRepo(path.join(h.temp.make(), 'is-number'), nodeTestProject('passing'));
    git(repo, ['branch', '-m', 'master']);
    const runner = h.runner({ repos: [{ name: 'is-number', path: repo }] });
    const { sessionId } = await runner.submit(job('are the tests green on main?'));
    approveAll(runner, sessionId);
    const end = await nextEnd(runner, sessionId, 0);
    assert.equal(end.state, 'completed', end.result?.summary);
    assert.match(end.result?.summary ?? '', /Tests passed/);
    assert.match(end.result?.summary ?? '', /Ran on master \(the default branch: this repository has no main\)\./);
    const workspace = h.eventsOf(sessionId).find((e) => e.kind === 'workspace');
    assert.ok(workspace?.kind === 'workspace');
    assert.match(workspace.branch, /-on-master$/);
    assert.doesNotMatch(workspace.branch, /main/);
  });

  it('a task that names the branch it finds says nothing about where it ran', async () => {
    const repo = makeRepo(path.join(h.temp.make(), 'is-number'), nodeTestProject('passing'));
    git(repo, ['branch', '-m', 'main']);
    const runner = h.runner({ repos: [{ name: 'is-number', path: repo }] });
    const { sessionId } = await runner.submit(job('are the tests green on main?'));
    approveAll(runner, sessionId);
    const end = await nextEnd(runner, sessionId, 0);
    assert.equal(end.state, 'completed', end.result?.summary);
    assert.doesNotMatch(end.result?.summary ?? '', /Ran on/);
  });
});
