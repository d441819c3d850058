import assert from 'node:assert/strict';
import { SessionModel } from '../../../extension/vscode/model/sessionModel.js';
import { event, snapshot, waiting } from './sessionFixtures.js';

describe('Session model (what the tree, badge and panels read)', () => {
  it('applies a newer snapshot and ignores one that arrives late', () => {
    const model = new SessionModel();
    const changes: string[][] = [];
    model.onDidChange(({ sessionIds }) => changes.push(sessionIds));
    const first = waiting({ lastSeq: 5 });
    assert.equal(model.apply(first), true);
    assert.equal(model.apply({ ...first, state: 'running', pendingApprovals: [], lastSeq: 6 }), true);
    assert.equal(model.apply({ ...first, lastSeq: 5 }), false, 'seq 5 after seq 6 is stale');
    assert.equal(model.get(first.sessionId)?.state, 'running');
    assert.equal(changes.length, 2);
  });

  it('hands listeners the event that caused a change', () => {
    const model = new SessionModel();
    const seen: string[] = [];
    model.onDidChange(({ event: cause }) => seen.push(cause?.kind ?? 'none'));
    const session = snapshot({ lastSeq: 1 });
    model.apply(session, event(session.sessionId, 1, { kind: 'progress', text: 'hi' }));
    model.replaceAll([]);
    assert.deepEqual(seen, ['progress', 'none']);
  });

  it('an event whose snapshot came early, with the event before it, still reaches listeners once', () => {
    const model = new SessionModel();
    const seen: number[] = [];
    model.onDidChange(({ event: cause }) => cause && seen.push(cause.seq));
    const session = snapshot({ lastSeq: 7 });
    assert.equal(model.apply(session, event(session.sessionId, 6, { kind: 'progress', text: 'six' })), true);
    assert.equal(model.apply(session, event(session.sessionId, 7, { kind: 'progress', text: 'seven' })), true);
    assert.equal(model.apply(session, event(session.sessionId, 7, { kind: 'progress', text: 'seven' })), false, 'a repeat is nothing new');
    assert.deepEqual(seen, [6, 7]);
  });

  it('replaces everything after a runner restart and reports removed sessions too', () => {
    const model = new SessionModel();
    const gone = snapshot();
    model.apply(gone);
    let changed: string[] = [];
    model.onDidChange(({ sessionIds }) => (changed = sessionIds));
    const kept = waiting();
    model.replaceAll([kept]);
    assert.deepEqual(model.all().map((session) => session.sessionId), [kept.sessionId]);
    assert.deepEqual(new Set(changed), new Set([gone.sessionId, kept.sessionId]));
    assert.deepEqual(model.needingAttention().map((session) => session.sessionId), [kept.sessionId]);
  });

  it('stops telling a listener once it is disposed', () => {
    const model = new SessionModel();
    let calls = 0;
    const subscription = model.onDidChange(() => (calls += 1));
    model.apply(snapshot());
    subscription.dispose();
    model.apply(snapshot());
    assert.equal(calls, 1);
  });
});
