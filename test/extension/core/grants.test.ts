import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import path from 'node:path';
import type { JobSpec, SessionEvent } from '../../../shared/sessions.js';
import type { Runner } from '../../../extension/core/runner.js';
import { makeRepo } from '../../helpers/gitRepos.js';
import { FakeClock, Harness, job, MINUTE, ScriptedAgent, waitForApproval, waitForEnd } from './harness.js';

const ANN = { platform: 'slack', userId: 'U-ann' } as const;
const BOB = { platform: 'slack', userId: 'U-bob' } as const;

/** An agent that asks once to run `npm test` and reports how it was let through. */
const asker = new ScriptedAgent('asker', async function* (context) {
  const verdict = await context.approvals.check({ tool: 'shell', summary: 'Run `npm test`', command: ['npm', 'test'] }, context.signal);
  yield { kind: 'outcome', outcome: { status: 'completed', summary: verdict.allowed ? verdict.how : 'denied', commitChanges: false } };
});

describe('"Approve 30 min" grants across sessions', function () {
  this.timeout(30_000);
  const h = new Harness();
  afterEach(() => h.cleanup());

  function setup(home = h.temp.make('dispatch-home-'), clock = new FakeClock()) {
    const app = makeRepo(path.join(h.temp.make(), 'app'));
    const other = makeRepo(path.join(h.temp.make(), 'other'));
    const start = (): Runner => h.runner({ home, clock, repos: [{ name: 'app', path: app }, { name: 'other', path: other }], defaultAgent: 'asker' }, [asker]);
    return { home, clock, start, app, other };
  }

  /** Runs a session; answers its request with `answer` if it asks. Returns how the call was let through, and whether it asked. */
  async function session(runner: Runner, spec: JobSpec, answer: 'approve_for' | 'approve_once' = 'approve_once') {
    const { sessionId } = await runner.submit(spec);
    const asked = await Promise.race([
      waitForApproval(runner, sessionId),
      waitForEnd(runner, sessionId).then(() => undefined),
    ]);
    if (asked) runner.decide(sessionId, { requestId: asked.requestId, decision: answer, ...(answer === 'approve_for' ? { minutes: 30 } : {}), decidedBy: 'slack:U-ann' });
    const end = await waitForEnd(runner, sessionId);
    const granted = h.eventsOf(sessionId).find((e): e is Extract<SessionEvent, { kind: 'approval_granted' }> => e.kind === 'approval_granted');
    return { sessionId, how: end.result?.summary, asked, granted };
  }

  it("covers the same person's next session in the same repository, and says which grant and how long it has left", async () => {
    const { clock, start } = setup();
    const runner = start();
    await runner.start();
    const given = clock.now();
    const first = await session(runner, job('x', { repo: 'app', requestedBy: ANN }), 'approve_for');
    assert.ok(first.asked);
    assert.equal(first.how, 'grant');
    assert.equal(first.granted, undefined, 'the session the grant was given in is not told of it again');

    clock.advance(12 * MINUTE);
    const second = await session(runner, job('x', { repo: 'app', requestedBy: ANN }));
    assert.equal(second.asked, undefined, 'the next session does not ask again');
    assert.equal(second.how, 'grant');
    assert.ok(second.granted, 'the auto-approval is told');
    assert.equal(second.granted.grant.grantId, first.asked.requestId);
    assert.equal(second.granted.grant.grantedAt, given);
    assert.equal(second.granted.grant.expiresAt, given + 30 * MINUTE);
    assert.equal(second.granted.request.summary, 'Run `npm test`');
  });

  it("is never wider: another person's session, or another repository, asks again", async () => {
    const { start } = setup();
    const runner = start();
    await runner.start();
    await session(runner, job('x', { repo: 'app', requestedBy: ANN }), 'approve_for');
    const bob = await session(runner, job('x', { repo: 'app', requestedBy: BOB }));
    assert.ok(bob.asked, "Bob's session asks: Ann's grant is not his");
    const elsewhere = await session(runner, job('x', { repo: 'other', requestedBy: ANN }));
    assert.ok(elsewhere.asked, 'another repository asks');
    const sameKindOnly = await session(runner, job('x', { repo: 'app', requestedBy: { platform: 'discord', userId: 'U-ann' } }));
    assert.ok(sameKindOnly.asked, 'the same user id on another platform is another person');
  });

  it('survives a runner restart until it expires, then asks again', async () => {
    const { home, clock, start } = setup();
    const before = start();
    await before.start();
    await session(before, job('x', { repo: 'app', requestedBy: ANN }), 'approve_for');
    await before.stop();
    assert.equal(statSync(path.join(home, 'grants.json')).mode & 0o777, 0o600, 'the grants file is owner-only');

    const after = start();
    await after.start();
    clock.advance(20 * MINUTE);
    const within = await session(after, job('x', { repo: 'app', requestedBy: ANN }));
    assert.equal(within.asked, undefined, 'still granted after the restart');
    clock.advance(11 * MINUTE);
    const expired = await session(after, job('x', { repo: 'app', requestedBy: ANN }));
    assert.ok(expired.asked, 'after 31 minutes it asks again');
  });

  it('End grant ends it for every session at once; only its own person can end it', async () => {
    const { start } = setup();
    const runner = start();
    await runner.start();
    const first = await session(runner, job('x', { repo: 'app', requestedBy: ANN }), 'approve_for');
    const bob = await session(runner, job('x', { repo: 'app', requestedBy: BOB }));
    assert.equal(runner.endGrant(bob.sessionId, first.asked!.requestId), false, "Bob's session cannot end Ann's grant");
    const second = await session(runner, job('x', { repo: 'app', requestedBy: ANN }));
    assert.equal(second.asked, undefined);
    assert.equal(runner.endGrant(second.sessionId, first.asked!.requestId), true);
    assert.equal(runner.endGrant(second.sessionId, first.asked!.requestId), false, 'a second press finds it gone');
    const third = await session(runner, job('x', { repo: 'app', requestedBy: ANN }));
    assert.ok(third.asked, 'after End grant the next session asks again');
  });
});
