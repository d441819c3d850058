import assert from 'node:assert/strict';
import { AnsweredApprovals } from '../../../extension/vscode/model/answeredApprovals.js';
import { approvalRequest, event, snapshot, waiting } from './sessionFixtures.js';

describe('an approval toast pressed after the approval was answered elsewhere', () => {
  it('goes ahead while the request still waits', () => {
    const answered = new AnsweredApprovals();
    assert.equal(answered.staleness(waiting(), 'r1'), undefined);
  });

  it('says who answered it, and where, once the chat answered it', () => {
    const answered = new AnsweredApprovals();
    const session = waiting({ lastSeq: 4 });
    answered.record(event(session.sessionId, 5, { kind: 'approval_resolved', decision: { requestId: 'r1', decision: 'approve_once', decidedBy: 'alice (chat)' } }));
    const now = { ...session, state: 'running' as const, pendingApprovals: [], lastSeq: 6 };
    assert.equal(answered.staleness(now, 'r1'), 'That approval was already answered: approved once by alice (chat).');
  });

  it('never answers a different request that waits now', () => {
    const answered = new AnsweredApprovals();
    const session = waiting({ pendingApprovals: [approvalRequest('r2')] });
    answered.record(event(session.sessionId, 5, { kind: 'approval_resolved', decision: { requestId: 'r1', decision: 'deny', decidedBy: 'alice' } }));
    assert.match(answered.staleness(session, 'r1') ?? '', /already answered: denied by alice/);
    assert.equal(answered.staleness(session, 'r2'), undefined);
  });

  it('says the session ended when it did, and that it is gone when the runner forgot it', () => {
    const answered = new AnsweredApprovals();
    assert.equal(answered.staleness(snapshot({ state: 'cancelled' }), 'r1'), 'Nothing to answer: the session ended (cancelled).');
    assert.match(answered.staleness(undefined, 'r1') ?? '', /no longer known/);
  });
});
