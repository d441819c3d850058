import assert from 'node:assert/strict';
import path from 'node:path';
import type { ApprovalDecision, ApprovalRequest } from '../../../shared/sessions.js';
import { ApprovalPolicy, isSafeCall, scopeOf } from '../../../extension/core/approvals.js';
import type { ToolCall } from '../../../extension/core/agents/agent.js';
import { makeRepo } from '../../helpers/gitRepos.js';
import { FakeClock, Harness, job, MINUTE, ScriptedAgent, waitForApproval, waitForEnd, waitForEvent } from './harness.js';

const NPM_TEST: ToolCall = { tool: 'shell', summary: 'Run npm test', command: ['npm', 'test'] };

function policy(clock: FakeClock) {
  const requested: ApprovalRequest[] = [];
  const reminders: string[] = [];
  const resolved: ApprovalDecision[] = [];
  const gate = new ApprovalPolicy({
    clock,
    ttlMinutes: 30,
    remindMinutes: 15,
    pollMs: 5,
    onRequested: (request) => requested.push(request),
    onReminder: (id) => reminders.push(id),
    onResolved: (decision) => resolved.push(decision),
  });
  return { gate, requested, reminders, resolved };
}

async function nextRequest(requested: ApprovalRequest[], count: number): Promise<ApprovalRequest> {
  for (let i = 0; i < 200 && requested.length < count; i++) await new Promise((r) => setTimeout(r, 2));
  const request = requested[count - 1];
  if (!request) throw new Error('no approval request was made');
  return request;
}

describe('approval policy', () => {
  it('lets read-only tools and git status/diff/log through without asking', () => {
    assert.ok(isSafeCall({ tool: 'Read', summary: '' }));
    assert.ok(isSafeCall({ tool: 'grep', summary: '' }));
    assert.ok(isSafeCall({ tool: 'shell', summary: '', command: ['git', 'status', '--porcelain'] }));
    assert.ok(isSafeCall({ tool: 'shell', summary: '', command: ['git.exe', 'log', '-5'] }));
    assert.ok(!isSafeCall({ tool: 'shell', summary: '', command: ['git', 'diff', '--output=/etc/x'] }));
    assert.ok(!isSafeCall({ tool: 'shell', summary: '', command: ['git', 'push'] }));
    assert.ok(!isSafeCall(NPM_TEST));
    assert.ok(!isSafeCall({ tool: 'edit', summary: '' }));
  });

  it('scopes a grant to the tool, the program and its first argument', () => {
    assert.equal(scopeOf(NPM_TEST), 'shell npm test');
    assert.equal(scopeOf({ tool: 'shell', summary: '', command: ['C:\\node\\npm.cmd', 'run', 'lint'] }), 'shell npm run');
    assert.equal(scopeOf({ tool: 'edit', summary: '' }), 'edit');
  });

  it('a grant for 30 minutes covers the next call; after 31 minutes the next call asks again', async () => {
    const clock = new FakeClock();
    const { gate, requested } = policy(clock);
    const first = gate.check(NPM_TEST);
    const request = await nextRequest(requested, 1);
    gate.decide({ requestId: request.requestId, decision: 'approve_for', minutes: 30 });
    assert.deepEqual(await first, { allowed: true, how: 'grant' });

    clock.advance(29 * MINUTE);
    assert.deepEqual(await gate.check(NPM_TEST), { allowed: true, how: 'grant' });
    assert.equal(requested.length, 1, 'no new question inside the grant');
    // Another program is not covered by the grant.
    void gate.check({ tool: 'shell', summary: 'npm publish', command: ['npm', 'publish'] });
    assert.equal((await nextRequest(requested, 2)).scope, 'shell npm publish');

    clock.advance(2 * MINUTE);
    void gate.check(NPM_TEST);
    assert.equal((await nextRequest(requested, 3)).scope, 'shell npm test', 'expired grant: asks again');
    gate.dispose();
  });

  it('approve once covers only that call', async () => {
    const { gate, requested } = policy(new FakeClock());
    const first = gate.check(NPM_TEST);
    gate.decide({ requestId: (await nextRequest(requested, 1)).requestId, decision: 'approve_once' });
    assert.deepEqual(await first, { allowed: true, how: 'once' });
    void gate.check(NPM_TEST);
    await nextRequest(requested, 2);
    gate.dispose();
  });

  it('a pending request keeps waiting, reminding every 15 minutes, and never approves itself', async () => {
    const clock = new FakeClock();
    const { gate, requested, reminders } = policy(clock);
    let settled = false;
    const waiting = gate.check(NPM_TEST).then((verdict) => ((settled = true), verdict));
    const request = await nextRequest(requested, 1);
    clock.advance(14 * MINUTE);
    gate.tick();
    assert.equal(reminders.length, 0);
    clock.advance(2 * MINUTE);
    await new Promise((r) => setTimeout(r, 30)); // the poll loop notices the moved clock on its own
    assert.deepEqual(reminders, [request.requestId]);
    clock.advance(10 * 24 * 60 * MINUTE);
    gate.tick();
    assert.equal(reminders.length, 2, 'one reminder per poll even after a jump of days');
    assert.equal(settled, false, 'still waiting after ten days');
    gate.decide({ requestId: request.requestId, decision: 'approve_once' });
    assert.equal((await waiting).allowed, true);
  });

  it("a denial reaches the agent with the user's reason; a second decision is a duplicate", async () => {
    const { gate, requested } = policy(new FakeClock());
    const verdict = gate.check(NPM_TEST);
    const { requestId } = await nextRequest(requested, 1);
    assert.equal(gate.decide({ requestId, decision: 'deny', reason: 'not on Fridays' }), 'resolved');
    assert.deepEqual(await verdict, { allowed: false, reason: 'not on Fridays' });
    assert.equal(gate.decide({ requestId, decision: 'approve_once' }), 'duplicate');
    assert.equal(gate.decide({ requestId: 'never-asked', decision: 'approve_once' }), 'unknown');
  });
});

describe('approvals through the runner', function () {
  this.timeout(20_000);
  const h = new Harness();
  afterEach(() => h.cleanup());

  /** An agent that asks to run `npm test` twice, reporting each verdict. */
  const asker = new ScriptedAgent('asker', async function* (context) {
    const verdicts: string[] = [];
    for (let i = 0; i < 2; i++) {
      const verdict = await context.approvals.check(NPM_TEST, context.signal);
      verdicts.push(verdict.allowed ? verdict.how : `denied: ${verdict.reason}`);
      yield { kind: 'progress', text: `call ${i + 1}: ${verdicts[i]}` };
    }
    const denied = verdicts.find((v) => v.startsWith('denied'));
    yield {
      kind: 'outcome',
      outcome: denied ? { status: 'failed', summary: `Stopped: ${denied}`, error: denied } : { status: 'completed', summary: verdicts.join(', ') },
    };
  });

  it('waiting_for_approval while asked, reminders by the moved clock, running again after the answer', async () => {
    const clock = new FakeClock();
    const repo = makeRepo(path.join(h.temp.make(), 'r'));
    const runner = h.runner({ repos: [{ name: 'r', path: repo }], clock, reminderPollMs: 5, defaultAgent: 'asker' }, [asker]);
    const { sessionId } = await runner.submit(job('use the asker'));
    const request = await waitForApproval(runner, sessionId);
    assert.equal(runner.session(sessionId)?.state, 'waiting_for_approval');
    assert.deepEqual(runner.session(sessionId)?.pendingApprovals.map((r) => r.requestId), [request.requestId]);
    clock.advance(16 * MINUTE);
    await waitForEvent(runner, (e) => e.sessionId === sessionId && e.kind === 'approval_reminder');
    assert.equal(runner.session(sessionId)?.state, 'waiting_for_approval', 'a reminder is not a timeout');

    runner.decide(sessionId, { requestId: request.requestId, decision: 'approve_for', minutes: 30 });
    runner.decide(sessionId, { requestId: request.requestId, decision: 'deny' }); // second press: ignored
    const end = await waitForEnd(runner, sessionId);
    assert.equal(end.state, 'completed');
    assert.equal(end.result?.summary, 'grant, grant');
    const kinds = h.eventsOf(sessionId).map((e) => (e.kind === 'state' ? e.state : e.kind));
    assert.deepEqual(kinds.slice(kinds.indexOf('approval_requested'), kinds.indexOf('approval_resolved') + 2), [
      'approval_requested',
      'waiting_for_approval',
      'approval_reminder',
      'approval_resolved',
      'running',
    ]);
    assert.throws(() => runner.decide(sessionId, { requestId: 'nope', decision: 'approve_once' }), { code: 'not_found' });
    assert.throws(() => runner.decide('no-such-session', { requestId: 'nope', decision: 'approve_once' }), { code: 'not_found' });
  });

  it("a denial is reported in the session's result", async () => {
    const repo = makeRepo(path.join(h.temp.make(), 'r'));
    const runner = h.runner({ repos: [{ name: 'r', path: repo }], defaultAgent: 'asker' }, [asker]);
    const { sessionId } = await runner.submit(job('use the asker'));
    const request = await waitForApproval(runner, sessionId);
    runner.decide(sessionId, { requestId: request.requestId, decision: 'deny', reason: 'use the staging database' });
    const second = await waitForEvent(
      runner,
      (e) => e.sessionId === sessionId && e.kind === 'approval_requested' && e.request.requestId !== request.requestId,
    );
    assert.equal(second.kind, 'approval_requested');
    if (second.kind === 'approval_requested') runner.decide(sessionId, { requestId: second.request.requestId, decision: 'approve_once' });
    const end = await waitForEnd(runner, sessionId);
    assert.equal(end.state, 'failed');
    assert.match(end.result?.summary ?? '', /denied: use the staging database/);
  });
});
