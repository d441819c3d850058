import assert from 'node:assert/strict';
import { buttonValue, parseButtonValue } from '../../bridge/buttons.js';
import { finalMessage, shipAskMessage } from '../../bridge/messages.js';
import type { JobRecord } from '../../bridge/store/store.js';

const jobId = '0b5c2a6e-8d7f-4e61-9d0a-3f2b1c4d5e6f';

function finishedJob(result: Partial<NonNullable<JobRecord['result']>>, state: JobRecord['state'] = 'completed'): JobRecord {
  return {
    id: jobId,
    owner: { platform: 'discord', userId: '42', displayName: 'alice' },
    machineId: 'm1',
    task: 'write notes',
    forced: false,
    routeReason: 'coding-shaped',
    thread: { platform: 'discord', channelId: 'c1', threadId: 'c1' },
    delivery: 'accepted',
    state,
    lastSeq: 5,
    pendingApprovals: [],
    createdAt: 0,
    updatedAt: 0,
    result: { summary: 'Wrote notes.', filesChanged: [{ path: 'NOTES.md', added: 3, removed: 0 }], diffstat: ' NOTES.md | 3 +++', branch: 'dispatch/0b5c2a6e-write-notes', baseCommit: 'abc', worktree: '/w', durationMs: 10, ...result },
  };
}

describe('ship buttons', () => {
  it('round-trip through a button value that fits a Discord custom_id, and nothing else parses as one', () => {
    for (const action of [
      { kind: 'ship' as const, jobId, action: 'push' as const, draft: true },
      { kind: 'ship' as const, jobId, action: 'pr' as const, draft: true },
      { kind: 'ship' as const, jobId, action: 'pr' as const, draft: false },
    ]) {
      const value = buttonValue(action);
      assert.ok(value.length <= 100, value);
      assert.deepEqual(parseButtonValue(value), action);
    }
    assert.equal(parseButtonValue(`push:${jobId}:main`), undefined, 'no branch can be smuggled in');
    assert.equal(parseButtonValue('push:../../x'), undefined);
  });

  it('the result offers them only with commits and a push remote, after the session ended', () => {
    const labels = (job: JobRecord) => (finalMessage(job, 'laptop').buttons ?? []).map((b) => b.label);
    assert.deepEqual(labels(finishedJob({ ship: { commits: 2, remote: 'origin' } })), ['Push branch', 'Open pull request']);
    assert.deepEqual(labels(finishedJob({ ship: { commits: 2, remote: 'origin' } }, 'failed')), ['Push branch', 'Open pull request'], 'a failed turn may still be worth a look');
    assert.deepEqual(labels(finishedJob({ ship: { commits: 0, remote: 'origin' } })), []);
    assert.deepEqual(labels(finishedJob({ ship: { commits: 2 } })), [], 'no remote');
    assert.deepEqual(labels(finishedJob({ branch: '', ship: { commits: 2, remote: 'origin' } })), [], 'the branch was removed');
    assert.deepEqual(labels(finishedJob({})), [], 'an older runner that says nothing');
  });

  it('a follow-up that asks to ship gets buttons, or a plain reason why not', () => {
    const asked = shipAskMessage(finishedJob({ ship: { commits: 1, remote: 'origin' } }), { action: 'pr', draft: false });
    assert.deepEqual(asked.buttons?.map((b) => [b.label, parseButtonValue(b.value)]), [
      ['Open pull request', { kind: 'ship', jobId, action: 'pr', draft: false }],
      ['Push branch only', { kind: 'ship', jobId, action: 'push', draft: true }],
    ]);
    assert.match(shipAskMessage(finishedJob({ ship: { commits: 1, remote: 'origin' } }, 'running'), { action: 'push', draft: true }).text, /still running; ask again once it has finished/);
    assert.match(shipAskMessage(finishedJob({ ship: { commits: 1 } }), { action: 'push', draft: true }).text, /has no remote to push to/);
    assert.equal(shipAskMessage(finishedJob({ ship: { commits: 1 } }), { action: 'push', draft: true }).buttons, undefined);
  });

  it('the result shows a pull request the session already has', () => {
    const job = finishedJob({ ship: { commits: 1, remote: 'origin' }, shipped: { branch: 'dispatch/0b5c2a6e-write-notes', remote: 'origin', commit: 'abcdef1', at: 1, by: 'alice', pullRequest: { number: 7, url: 'https://github.com/acme/api/pull/7', draft: true, existing: false } } });
    assert.deepEqual(finalMessage(job, 'laptop').fields?.find((f) => f.label === 'Pull request'), { label: 'Pull request', value: '#7 https://github.com/acme/api/pull/7' });
  });
});
